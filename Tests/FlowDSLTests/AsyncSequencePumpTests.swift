import Flow
import Synchronization
import Testing

private typealias Counter = AsyncSequenceReaderTests.Counter

/// An `AsyncSequence` that counts how many elements it was asked for, and makes them at once.
private struct CountingSequence: AsyncSequence, Sendable {
    let asked: Counter
    let count: Int

    struct Iterator: AsyncIteratorProtocol {
        let asked: Counter
        let count: Int
        var next = 0
        mutating func next() async -> Int? {
            guard next < count else { return nil }
            asked.increment()
            defer { next += 1 }
            return next
        }
    }

    func makeAsyncIterator() -> Iterator { Iterator(asked: asked, count: count) }
}

/// How often a source context's wake-up was called.
private final class WakeUps: Sendable {
    let count = Atomic<Int>(0)
    var context: SourceContext {
        SourceContext(stageName: "s", stageID: "s", subtask: 0, parallelism: 1, wakeUp: { [self] in count.add(1, ordering: .relaxed) })
    }
}

private struct Boom: Error, Equatable {}

@Suite("AsyncSequence sources read through a pump and never hold their task")
struct AsyncSequencePumpTests {
    static let backends: [any ExecutionBackend] = [SyncBackend(seed: 7), DispatchBackend(), ActorBackend()]

    @Test(
        "A source whose sequence yields nothing does not hold the task: the other source's records arrive, and cancel() ends the job within 50 ms",
        arguments: 0..<3)
    func silentSourceDoesNotBlock(backendIndex: Int) async throws {
        let backend = Self.backends[backendIndex]
        // The best of three runs, beside the best of three of the same job with a generator
        // that idles in place of the AsyncSequence: on a machine whose cores other tests keep busy, scheduling delays only add to
        // a cancellation's time, and they add as much to both jobs.
        var fastest = Duration.seconds(60)
        var control = Duration.seconds(60)
        for _ in 0..<3 {
            let (silent, continuation) = AsyncStream<Int>.makeStream()
            defer { continuation.finish() }
            let out = CollectedRecords<Int>()
            let job = try Job("silent") {
                Source(silent).name("silent")
                Union { Source(Array(0..<100)).parallelism(1) }
                Sink(.collect(into: out))
            }
            let handle = job.start(on: backend)
            #expect(try await eventually { out.records.count == 100 }, "\(backend.kind): the collection's records arrived")
            try await Task.sleep(for: .milliseconds(20))  // the silent source idles meanwhile
            fastest = Swift.min(fastest, try await Self.cancelTime(handle))
            #expect(out.records.sorted() == Array(0..<100))

            // The same job with a source that idles without a pump: a generator of one record a second.
            let pacedOut = CollectedRecords<Int>()
            let paced = try Job("paced") {
                Source.generator(recordsPerSecond: 1) { (n: Int64) in Int(n) + 1_000 }.name("paced")
                Union { Source(Array(0..<100)).parallelism(1) }
                Sink(.collect(into: pacedOut))
            }
            let pacedHandle = paced.start(on: backend)
            #expect(try await eventually { pacedOut.records.count >= 100 })
            try await Task.sleep(for: .milliseconds(20))
            control = Swift.min(control, try await Self.cancelTime(pacedHandle))
        }
        // Alone it takes about 1 ms; on a saturated pool, closing the reader waits for its pump
        // task to be scheduled and end (up to two pool hops), which the control does not.
        #expect(
            fastest < .milliseconds(50) || fastest < control + .milliseconds(150),
            "\(backend.kind): cancel took \(fastest) at best; the same job with an idle generator \(control)")
    }

    /// How long `handle` takes to end after ``JobHandle/cancel()``; it must end as cancelled.
    static func cancelTime(_ handle: JobHandle) async throws -> Duration {
        let cancelled = ContinuousClock.now
        handle.cancel()
        let error = await #expect(throws: FlowError.self) { _ = try await handle.result }
        #expect(error?.code == .cancelled)
        return ContinuousClock.now - cancelled
    }

    @Test(
        "Records and the sequence's error arrive in order, none lost, through a small buffer and small batches, on every backend",
        arguments: 0..<3)
    func recordsThenError(backendIndex: Int) async throws {
        let backend = Self.backends[backendIndex]
        let out = CollectedRecords<Int>()
        let job = try Job("throwing", configuration: ExecutionConfiguration(batchSize: 7)) {
            Source(
                makeSequence: {
                    AsyncThrowingStream<Int, any Error> { continuation in
                        for value in 0..<2_000 { continuation.yield(value) }
                        continuation.finish(throwing: Boom())
                    }
                }, bufferCapacity: 5
            ).name("events")
            Sink(.collect(into: out))
        }
        let error = await #expect(throws: FlowError.self) { try await job.run(on: backend) }
        #expect(error?.code == .sourceFailed, "\(backend.kind)")
        #expect(error?.stageName == "events")
        #expect(error?.underlying as? Boom == Boom(), "\(backend.kind)")
        #expect(out.records == Array(0..<2_000), "\(backend.kind)")
    }

    @Test("The pump asks the sequence for no more than the buffer holds until the reader takes some")
    func pumpBackpressure() async throws {
        let asked = Counter()
        var reader = AsyncSequenceReader(CountingSequence(asked: asked, count: 100), bufferCapacity: 8)
        let wakeUps = WakeUps()
        try await reader.open(context: wakeUps.context)
        #expect(try await eventually { asked.value == 8 })
        try await Task.sleep(for: .milliseconds(30))
        #expect(asked.value == 8, "the pump waits while the buffer is full")
        var batch = Batch<Int>()
        #expect(try reader.readImmediately(into: &batch, maxCount: 5) == .more)
        #expect(Array(batch.records) == Array(0..<5))
        #expect(try await eventually { asked.value == 13 }, "room for 5 more")
        var read = 5
        while read < 100 {
            switch try reader.readImmediately(into: &batch, maxCount: 1000) {
            case .finished?: Issue.record("finished after \(read) records")
            case .idle?, .more?: break
            case nil: Issue.record("readImmediately must always answer")
            }
            read = batch.count
            if read < 100 { try await Task.sleep(for: .milliseconds(1)) }
        }
        #expect(Array(batch.records) == Array(0..<100))
        #expect(try await eventually { (try? reader.readImmediately(into: &batch, maxCount: 10)) == .finished })
        await reader.close()
    }

    @Test("A read of an empty buffer is idle without suspending, and the next element wakes the task")
    func emptyReadIsIdleAndWakes() async throws {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        var reader = AsyncSequenceReader(stream)
        let wakeUps = WakeUps()
        try await reader.open(context: wakeUps.context)
        var batch = Batch<Int>()
        #expect(try reader.readImmediately(into: &batch, maxCount: 10) == .idle(until: nil))
        #expect(batch.isEmpty)
        let before = wakeUps.count.load(ordering: .relaxed)
        continuation.yield(42)
        #expect(try await eventually { wakeUps.count.load(ordering: .relaxed) > before }, "the pump woke the task")
        #expect(try reader.readImmediately(into: &batch, maxCount: 10) == .idle(until: nil))
        #expect(Array(batch.records) == [42])
        continuation.finish()
        #expect(try await eventually { (try? reader.readImmediately(into: &batch, maxCount: 10)) == .finished })
        await reader.close()
    }

    @Test("close() cancels the pump of a sequence that never ends and waits for it")
    func closeEndsThePump() async throws {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let ended = Counter()
        continuation.onTermination = { _ in ended.increment() }
        var reader = AsyncSequenceReader(stream)
        try await reader.open(context: WakeUps().context)
        await reader.close()
        #expect(ended.value == 1, "the pump's iteration ended when close() returned")
    }

    @Test("A buffer capacity below 1 is a configuration error naming the stage")
    func badCapacity() async throws {
        let job = try Job("bad") {
            Source(finishedStream(0..<3), bufferCapacity: 0).name("events")
            Sink(.discard)
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.stageName == "events")
    }
}
