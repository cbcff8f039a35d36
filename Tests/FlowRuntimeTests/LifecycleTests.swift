import FlowCore
import Flow
import FlowTesting
import Synchronization
import Testing

@Suite("Lifecycle: end of input, cancellation, handles, metrics")
struct LifecycleTests {
    @Test("End of input drains every channel and finishes every sink instance")
    func drains() async throws {
        for parallelism in [1, 2, 3] {
            let out = CollectedRecords<Int>()
            let job = try Job("drain", configuration: ExecutionConfiguration(batchSize: 16, channelCredits: 1)) {
                Source(Array(0..<1000)).parallelism(parallelism)
                Map { (x: Int) in x * 2 }.parallelism(parallelism)
                KeyBy { (x: Int) in x % 17 }
                Reduce { (a: Int, b: Int) in max(a, b) }.parallelism(parallelism)
                Sink(.collect(into: out)).parallelism(parallelism)
            }
            let result = try await job.run()
            #expect(out.records.count == 1000)
            #expect(out.finishedInstances == parallelism)
            #expect(result.metrics[name: "Reduce"]?.recordsIn == 1000)
        }
    }

    @Test("Cancelling a handle stops an unbounded job with .cancelled, and its sink is closed")
    func cancelHandle() async throws {
        let (updates, sink) = AsyncStreamSink<Int64>.makeStream()
        let job = try Job("forever") {
            Source.generator { (n: Int64) in n }
            Filter { (n: Int64) in n % 1000 == 0 }
            Sink(sink)
        }
        let handle = job.start()
        var seen = 0
        for await _ in updates {
            seen += 1
            if seen == 50 { handle.cancel() }
        }
        let error = await #expect(throws: FlowError.self) { _ = try await handle.result }
        #expect(error?.code == .cancelled)
        #expect(seen >= 50, "the stream ended after the cancel (the sink was closed)")
        #expect(handle.metrics().stages[0].recordsOut >= 49_001)
    }

    @Test("Cancelling the task that runs job.run() stops the job")
    func cancelTask() async throws {
        let job = try Job("forever") {
            Source.generator { (n: Int64) in n }
            Sink(.discard)
        }
        let task = Task { try await job.run() }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        let error = await #expect(throws: FlowError.self) { try await task.value }
        #expect(error?.code == .cancelled)
    }

    @Test("Metrics are readable while the job runs and grow")
    func liveMetrics() async throws {
        let job = try Job("rated") {
            Source.generator(count: 300, recordsPerSecond: 1000) { (n: Int64) in n }.name("gen")
            Sink(.discard).name("bin")
        }
        let handle = job.start()
        // Poll (other tests share the machine, so no fixed sleep) until a snapshot lands mid-run.
        var midRun: Int?
        let deadline = ContinuousClock.now + .seconds(20)
        while midRun == nil, ContinuousClock.now < deadline {
            let seen = handle.metrics()[name: "gen"]?.recordsOut ?? 0
            if seen > 0 && seen < 300 { midRun = seen }
            try await Task.sleep(for: .milliseconds(2))
        }
        let result = try await handle.result
        #expect(midRun != nil, "never saw a count strictly between 0 and 300 while the job ran")
        #expect(result.metrics[name: "gen"]?.recordsOut == 300)
        #expect(result.metrics[name: "bin"]?.recordsIn == 300)
    }

    @Test("Counts per operator include every stage of a fused chain")
    func fusedCounts() async throws {
        let job = try Job("counts") {
            Source(Array(0..<100)).name("src")
            Filter { (x: Int) in x % 2 == 0 }.name("even")
            FlatMap { (x: Int) in [x, x] }.name("twice")
            CompactMap { (x: Int) in x % 4 == 0 ? x : nil }.name("quarters")
            Sink(.discard).name("bin")
        }
        let metrics = try await job.run().metrics
        #expect(job.plan.tasks.count == 1)
        #expect(metrics[name: "src"]?.recordsOut == 100)
        #expect(metrics[name: "even"]?.recordsIn == 100)
        #expect(metrics[name: "even"]?.recordsOut == 50)
        #expect(metrics[name: "twice"]?.recordsIn == 50)
        #expect(metrics[name: "twice"]?.recordsOut == 100)
        #expect(metrics[name: "quarters"]?.recordsOut == 50)
        #expect(metrics[name: "bin"]?.recordsIn == 50)
    }

    @Test("A job runs again from fresh state")
    func rerun() async throws {
        let out = CollectedRecords<Keyed<Int, Int>>()
        let job = try Job("again") {
            Source([1, 1, 2])
            KeyBy { (x: Int) in x }
            Aggregate(.count)
            Sink(.collect(into: out))
        }
        try await job.run()
        let first = out.records
        out.removeAll()
        try await job.run()
        #expect(out.records == first)
        #expect(first.map(\.value) == [1, 2, 1])
    }

    struct ClosingReader: SourceReader {
        let closed: Counter
        mutating func read(into batch: inout Batch<Int>, maxCount: Int) async throws -> SourceStatus {
            batch.append(1)
            return .more
        }
        mutating func close() async { closed.increment() }
    }

    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func increment() { value.add(1, ordering: .relaxed) }
        var count: Int { value.load(ordering: .relaxed) }
    }

    @Test("A failure elsewhere closes every source")
    func failureClosesSources() async throws {
        let closed = Counter()
        let job = try Job("close") {
            Source(isParallel: true) { ClosingReader(closed: closed) }.parallelism(2)
            Map { (x: Int) throws -> Int in throw Boom(value: x) }.parallelism(2)
            Sink(.discard).parallelism(2)
        }
        await #expect(throws: FlowError.self) { try await job.run() }
        #expect(closed.count == 2)
    }

    /// The open and close calls of readers and writers, in the order they were made.
    final class CallLog: Sendable {
        private let calls = FlowMutex<[String]>([])  // protected by its own lock
        func record(_ call: String) { calls.withLock { $0.append(call) } }
        var entries: [String] { calls.withLock { $0 } }
    }

    /// Emits 3, 2, 1 and records its open and close; a close without an open records subtask -1.
    struct RecordingReader: SourceReader {
        let log: CallLog
        var failsOpen = false
        var subtask = -1
        var left = 3

        mutating func open(context: SourceContext) async throws {
            subtask = context.subtask
            log.record("open source #\(subtask)")
            if failsOpen { throw Boom(value: subtask) }
        }

        mutating func read(into batch: inout Batch<Int>, maxCount: Int) async throws -> SourceStatus {
            if left > 0 {
                batch.append(left)
                left -= 1
            }
            return left == 0 ? .finished : .more
        }

        mutating func close() async { log.record("close source #\(subtask)") }
    }

    /// Drops what it gets and records its open and close; a close without an open records subtask -1.
    struct RecordingWriter: SinkWriter {
        let log: CallLog
        var failsOpenOn: Set<Int> = []
        var subtask = -1

        mutating func open(context: OperatorContext) async throws {
            subtask = context.subtask
            log.record("open sink #\(subtask)")
            if failsOpenOn.contains(subtask) { throw Boom(value: subtask) }
        }

        mutating func write(_ batch: inout Batch<Int>) async throws { batch.removeAll() }

        mutating func close() async { log.record("close sink #\(subtask)") }
    }

    static let backends: [any ExecutionBackend] = [SyncBackend(), DispatchBackend(), ActorBackend()]

    @Test("A job that ends closes each source and sink once, after opening it once")
    func openedAndClosedOnce() async throws {
        for backend in Self.backends {
            let log = CallLog()
            let job = try Job("once") {
                Source(isParallel: false) { RecordingReader(log: log) }
                Sink(WriterSink(kind: "Recording") { RecordingWriter(log: log) })
            }
            try await job.run(on: backend)
            #expect(log.entries == ["open sink #0", "open source #0", "close source #0", "close sink #0"], "\(backend.kind)")
        }
    }

    @Test("A sink whose open throws is closed; its source, never opened, is not closed")
    func sinkOpenThrows() async throws {
        let log = CallLog()
        let job = try Job("sink-open-fails") {
            Source(isParallel: false) { RecordingReader(log: log) }
            Sink(WriterSink(kind: "Recording") { RecordingWriter(log: log, failsOpenOn: [0]) }).name("picky")
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .sinkFailed)
        #expect(error?.stageName == "picky")
        #expect(log.entries == ["open sink #0", "close sink #0"])
    }

    @Test("A source whose open throws is closed, and so is the sink opened before it")
    func sourceOpenThrows() async throws {
        let log = CallLog()
        let job = try Job("source-open-fails") {
            Source(isParallel: false) { RecordingReader(log: log, failsOpen: true) }.name("flaky")
            Sink(WriterSink(kind: "Recording") { RecordingWriter(log: log) })
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .sourceFailed)
        #expect(error?.stageName == "flaky")
        #expect(log.entries == ["open sink #0", "open source #0", "close source #0", "close sink #0"])
    }

    @Test("When a later task's open throws, what earlier tasks opened is closed and instances never opened are not")
    func laterTaskOpenThrows() async throws {
        for backend in Self.backends {
            let log = CallLog()
            let job = try Job("later-open-fails") {
                Source(isParallel: false) { RecordingReader(log: log) }
                KeyBy { (x: Int) in x }
                Reduce { (a: Int, b: Int) in a + b }.parallelism(2)
                Sink(WriterSink(kind: "Recording") { RecordingWriter(log: log, failsOpenOn: [0]) }).parallelism(2)
            }
            #expect(job.plan.tasks.map(\.parallelism) == [1, 2])
            let error = await #expect(throws: FlowError.self) { try await job.run(on: backend) }
            #expect(error?.code == .sinkFailed)
            #expect(error?.subtask == 0)
            #expect(
                log.entries == ["open source #0", "open sink #0", "close source #0", "close sink #0"],
                "sink #1 was never opened, so it is not closed (\(backend.kind))")
        }
    }
}
