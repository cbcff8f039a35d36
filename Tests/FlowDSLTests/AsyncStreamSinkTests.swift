import Flow
import Testing

@Suite("The AsyncStream sink pushes back on the job when the app reads slowly")
struct AsyncStreamSinkTests {
    static let backends: [any ExecutionBackend] = [SyncBackend(seed: 3), DispatchBackend(), ActorBackend()]

    @Test(
        "While the app does not read, the stream holds at most its capacity and the job stalls; reading resumes it, nothing lost",
        arguments: 0..<3)
    func boundedStalls(backendIndex: Int) async throws {
        let backend = Self.backends[backendIndex]
        let (records, sink) = AsyncStreamSink<Int64>.makeStream(capacity: 16)
        let job = try Job("slow-app", configuration: ExecutionConfiguration(batchSize: 8)) {
            Source.generator(count: 10_000) { (n: Int64) in n }
            Map { (n: Int64) in n * 2 }
            Sink(sink).disableChaining()
        }
        let handle = job.start(on: backend)
        // The app does not read: the job fills the stream and the credits, then stalls. Wait for
        // three samples of its progress 50 ms apart to agree (a busy machine may pause a task that
        // still has credit for a sample or two).
        let deadline = ContinuousClock.now + .seconds(10)
        var made = -1
        var agreeing = 0
        var last = -1
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            let now = handle.metrics().stages[0].recordsOut
            agreeing = records.bufferedCount == 16 && now == last ? agreeing + 1 : 0
            last = now
            if agreeing == 2 {
                made = now
                break
            }
        }
        #expect(made >= 16, "\(backend.kind): the job filled the stream, then stalled")
        #expect(made < 10_000, "\(backend.kind): the job could not run ahead of the app (made \(made))")
        try await Task.sleep(for: .milliseconds(100))
        #expect(records.bufferedCount == 16, "\(backend.kind): the stream holds its capacity, no more")
        // Stalled: at most what the credits between the tasks still held (2 × 4 batches of 8).
        let later = handle.metrics().stages[0].recordsOut
        #expect(later >= made && later - made <= 64, "\(backend.kind): the job's progress stays stalled (\(made), then \(later))")

        var received: [Int64] = []
        for await record in records {
            received.append(record)
            #expect(records.bufferedCount <= 16)
        }
        _ = try await handle.result
        #expect(received == (0..<10_000).map { $0 * 2 }, "\(backend.kind)")
    }

    @Test("The unbounded AsyncStream stays available as an explicit choice: the job runs to its end without the app reading")
    func explicitUnbounded() async throws {
        let (records, sink) = AsyncStreamSink<Int>.makeStream(bufferingPolicy: .unbounded)
        let job = try Job("unbounded") {
            Source(Array(0..<5_000))
            Sink(sink)
        }
        try await job.run()
        var received: [Int] = []
        for await record in records { received.append(record) }
        #expect(received == Array(0..<5_000))
    }

    @Test("A parallel sink into one bounded stream delivers every record once")
    func parallelWriters() async throws {
        let (records, sink) = AsyncStreamSink<Int64>.makeStream(capacity: 4)
        let job = try Job("parallel", configuration: ExecutionConfiguration(batchSize: 16)) {
            Source.generator(count: 3_000) { (n: Int64) in n }.parallelism(2)
            Sink(sink).parallelism(2)
        }
        let handle = job.start(on: .dispatch)
        var received: [Int64] = []
        for await record in records { received.append(record) }
        _ = try await handle.result
        #expect(received.sorted() == Array(0..<3_000))
    }

    @Test("Cancelling the task that iterates ends the iteration and the job runs on, dropping what the app no longer wants")
    func consumerCancelled() async throws {
        let (records, sink) = AsyncStreamSink<Int64>.makeStream(capacity: 8)
        let job = try Job("walk-away") {
            Source.generator(count: 50_000) { (n: Int64) in n }
            Sink(sink)
        }
        let handle = job.start(on: .dispatch)
        let reader = Task {
            var seen = 0
            for await _ in records { seen += 1 }
            return seen
        }
        try await Task.sleep(for: .milliseconds(20))
        reader.cancel()
        _ = await reader.value
        _ = try await handle.result
    }
}
