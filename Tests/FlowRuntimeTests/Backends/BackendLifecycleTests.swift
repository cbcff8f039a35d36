import Flow
import FlowTesting
import Testing

/// End of input, failure and cancellation on every backend: nothing hangs, nothing is lost,
/// no thread or task outlives the run.
@Suite("Backends: lifecycle", .timeLimit(.minutes(2)))
struct BackendLifecycleTests {
    static let backends: [BackendKind] = [.sync, .dispatch, .actor]

    @Test("End of input drains every bridge, finishes every sink instance and ends every runner", arguments: backends)
    func drains(_ backend: BackendKind) async throws {
        for parallelism in [1, 2, 3] {
            let out = CollectedRecords<Int>()
            let job = try Job("drain", configuration: ExecutionConfiguration(batchSize: 16, channelCredits: 1)) {
                Source(Array(0..<1000)).parallelism(parallelism)
                Map { (x: Int) in x * 2 }.parallelism(parallelism)
                KeyBy { (x: Int) in x % 17 }
                Reduce { (a: Int, b: Int) in max(a, b) }.parallelism(parallelism)
                Sink(.collect(into: out)).parallelism(parallelism)
            }
            let run = execution(of: job, on: backend)
            let result = try await run.run()
            #expect(out.records.count == 1000)
            #expect(out.finishedInstances == parallelism)
            #expect(result.metrics.edges.count == parallelism * parallelism)
            #expect(result.metrics.edges.allSatisfy { $0.depth == 0 && $0.maxDepth <= 1 })
            #expect(result.metrics.edges.reduce(0) { $0 + $1.recordsSent } == 1000)
            #expect(result.metrics.tasks.allSatisfy { $0.backend == backend.name })
            expectNoRunnerLeft(run)
        }
    }

    @Test("Cancelling stops an endless parallel job with .cancelled and ends every runner", arguments: backends)
    func cancel(_ backend: BackendKind) async throws {
        let job = try Job("endless") {
            Source.generator { (n: Int64) in n }.parallelism(2)
            KeyBy { (n: Int64) in n % 64 }
            Aggregate.sum { (n: Int64) in n }.parallelism(2)
            Sink(.discard).parallelism(2)
        }
        let run = execution(of: job, on: backend)
        let task = Task { try await run.run() }
        #expect(await eventually { run.metrics().stages[1].recordsIn > 20_000 })
        run.cancel()
        let error = await #expect(throws: FlowError.self) { try await task.value }
        #expect(error?.code == .cancelled)
        expectNoRunnerLeft(run)
    }

    @Test("A failing task fails the job with its root cause; the others stop", arguments: backends)
    func failure(_ backend: BackendKind) async throws {
        let job = try Job("fails") {
            Source.generator { (n: Int64) in n }.parallelism(2)
            Map { (n: Int64) throws -> Int64 in
                if n == 30_001 { throw Boom(value: Int(n)) }
                return n
            }.parallelism(2)
            KeyBy { (n: Int64) in n % 8 }
            Aggregate.sum { (n: Int64) in n }.parallelism(2)
            Sink(.discard).parallelism(2)
        }
        let run = execution(of: job, on: backend)
        let error = await #expect(throws: FlowError.self) { try await run.run() }
        #expect(error?.code == .userFunctionFailed)
        #expect(error?.stageName == "Map")
        #expect((error?.underlying as? Boom)?.value == 30_001)
        expectNoRunnerLeft(run)
    }

    @Test("A sink that fails while its upstream waits for credit wakes and stops the upstream", arguments: backends)
    func failureBehindBackpressure(_ backend: BackendKind) async throws {
        struct FailingWriter: SinkWriter {
            var batches = 0
            mutating func write(_ batch: inout Batch<Int64>) async throws {
                batches += 1
                // Let the upstream fill the bridge and park, then fail.
                try await Task.sleep(for: .milliseconds(20))
                if batches == 3 { throw Boom(value: batches) }
                batch.removeAll()
            }
        }
        let job = try Job("sink fails", configuration: ExecutionConfiguration(batchSize: 32, channelCredits: 1)) {
            Source.generator { (n: Int64) in n }
            Sink(WriterSink { FailingWriter() }).disableChaining()
        }
        let run = execution(of: job, on: backend)
        let error = await #expect(throws: FlowError.self) { try await run.run() }
        #expect(error?.code == .sinkFailed)
        #expect((error?.underlying as? Boom)?.value == 3)
        expectNoRunnerLeft(run)
    }

    @Test("A source that fails on one backend fails a job whose other tasks run elsewhere", arguments: backends)
    func failureAcrossBackends(_ backend: BackendKind) async throws {
        struct FailingReader: SourceReader {
            var reads = 0
            mutating func read(into batch: inout Batch<Int>, maxCount: Int) async throws -> SourceStatus {
                reads += 1
                if reads == 50 { throw Boom(value: reads) }
                batch.append(reads)
                return .more
            }
        }
        let other: BackendKind = backend == .dispatch ? .actor : .dispatch
        let job = try Job("mixed failure") {
            Source(isParallel: false) { FailingReader() }.backend(backend)
            Map { (x: Int) in x + 1 }.backend(other)
            Sink(.discard)
        }
        let run = execution(of: job, on: .sync)
        let error = await #expect(throws: FlowError.self) { try await run.run() }
        #expect(error?.code == .sourceFailed)
        #expect((error?.underlying as? Boom)?.value == 50)
        expectNoRunnerLeft(run)
    }
}

@Suite("Backends: backpressure", .timeLimit(.minutes(2)))
struct BackpressureTests {
    @Test(
        "With a slow sink the source slows down, memory in flight stays within credits × batch size, and the source reports backpressure",
        arguments: BackendLifecycleTests.backends)
    func boundedMemory(_ backend: BackendKind) async throws {
        let batchSize = 64
        let credits = 2
        let written = SharedCount()
        // The FlatMap triples the records, so even the sync scheduler (which steps every task
        // once per round) finds the sink too slow.
        let job = try Job("slow sink", configuration: ExecutionConfiguration(batchSize: batchSize, channelCredits: credits)) {
            Source.generator { (n: Int64) in n }
            FlatMap { (n: Int64) in [n, n, n] }.disableChaining()
            Sink(WriterSink { SlowWriter(delay: .milliseconds(1), written: written) }).disableChaining()
        }
        let run = execution(of: job, on: backend)
        let task = Task { try await run.run() }
        #expect(await eventually { written.count >= 40 * batchSize })
        // In sink records (3 per source record): bridge 1 holds at most credits × batchSize
        // source records, bridge 2 credits × batchSize records; the source holds a batch being
        // built and one queued for its bridge, the FlatMap one input batch's output being
        // built and queued (3 batches), the sink the batch it writes.
        let bound = 3 * credits * batchSize + credits * batchSize + 3 * 2 * batchSize + 2 * 3 * batchSize + batchSize
        for _ in 0..<20 {
            let metrics = run.metrics()
            let produced = metrics.stages[0].recordsOut
            let inFlight = 3 * produced - written.count
            #expect(inFlight <= bound, "produced \(produced) (×3), written \(written.count), bound \(bound)")
            #expect(metrics.edges.allSatisfy { $0.maxDepth <= credits })
            try await Task.sleep(for: .milliseconds(10))
        }
        let metrics = run.metrics()
        let source = try #require(metrics.tasks.first { $0.task == 0 })
        // On sync, tasks take turns on one thread: a task's time between its own steps counts
        // in the state its last step reported, so the source's share is diluted by the sink's
        // turns. On threads, the source spends most of its time parked for credit.
        #expect(source.backpressuredShare > (backend == .sync ? 0.2 : 0.5), "\(source)")
        #expect(metrics.edges.allSatisfy { $0.creditWaits > 0 })
        run.cancel()
        await #expect(throws: FlowError.self) { try await task.value }
        expectNoRunnerLeft(run)
    }
}
