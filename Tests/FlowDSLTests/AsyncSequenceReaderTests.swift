import Flow
import Synchronization
import FlowTesting
import Testing

@Suite("AsyncSequence sources: a sequence is read by one run; Source(makeSequence:) by every run")
struct AsyncSequenceReaderTests {
    static let backends: [any ExecutionBackend] = [SyncBackend(), DispatchBackend(), ActorBackend()]

    @Test("A second run of a job whose AsyncSequence was read by the first fails, naming the stage and what to do")
    func secondRunFails() async throws {
        for backend in Self.backends {
            let out = CollectedRecords<Int>()
            let job = try Job("once") {
                Source(finishedStream(0..<5)).name("events").uid("events-1")
                Map { (x: Int) in x * 10 }
                Sink(.collect(into: out))
            }
            try await job.run(on: backend)
            #expect(out.records == [0, 10, 20, 30, 40], "\(backend.kind)")
            out.removeAll()

            let error = await #expect(throws: FlowError.self) { try await job.run(on: backend) }
            #expect(error?.code == .invalidConfiguration, "\(backend.kind)")
            #expect(error?.stageName == "events")
            #expect(error?.stageID == "events-1")
            #expect(error?.message.contains("one run") == true, "message was: \(error?.message ?? "none")")
            #expect(error?.message.contains("Source(makeSequence:") == true, "message was: \(error?.message ?? "none")")
            #expect(out.records.isEmpty)
            #expect(out.finishedInstances == 0, "the failed run did not finish its sink")
        }
    }

    @Test("Of two runs started at once, exactly one reads the sequence")
    func concurrentRuns() async throws {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let out = CollectedRecords<Int>()
        let job = try Job("racing") {
            Source(stream).name("events"); Sink(.collect(into: out))
        }
        let first = job.start(on: .dispatch)
        let second = job.start(on: .dispatch)
        for value in 0..<100 { continuation.yield(value) }
        continuation.finish()
        var succeeded = 0
        var failures: [FlowError] = []
        for handle in [first, second] {
            do {
                _ = try await handle.result
                succeeded += 1
            } catch let error as FlowError {
                failures.append(error)
            }
        }
        #expect(succeeded == 1)
        #expect(failures.map(\.code) == [.invalidConfiguration])
        #expect(out.records == Array(0..<100))
    }

    @Test("Source(makeSequence:) reads a fresh sequence on every run, with the same output")
    func factoryRunsAgain() async throws {
        for backend in Self.backends {
            let made = Counter()
            let out = CollectedRecords<Int>()
            let job = try Job("again") {
                Source(makeSequence: {
                    made.increment()
                    return finishedStream(0..<5)
                }).name("events")
                Map { (x: Int) in x * 10 }
                Sink(.collect(into: out))
            }
            for run in 0..<3 {
                out.removeAll()
                try await job.run(on: backend)
                #expect(out.records == [0, 10, 20, 30, 40], "run \(run) on \(backend.kind)")
            }
            #expect(made.value == 3, "one sequence per run")
        }
    }

    @Test("Source(makeSequence:) works in the fluent API and behind a KeyBy")
    func factoryFluent() async throws {
        let out = CollectedRecords<Keyed<Int, Int>>()
        let job = try Job.graph("fluent") { graph in
            graph.source(Source(makeSequence: { finishedStream(0..<10) })).keyBy { $0 % 2 }.sum { $0 }.sink(.collect(into: out))
        }
        for _ in 0..<2 {
            out.removeAll()
            try await job.run()
            #expect(lastValues(out.records) == [0: 20, 1: 25])
        }
    }

    /// A writer whose open throws while `failures` is above 0, counting down.
    struct FailingOpenWriter: SinkWriter {
        let failures: Countdown
        mutating func open(context: OperatorContext) async throws {
            if failures.take() { throw TestFailure(reason: "not ready") }
        }
        mutating func write(_ batch: inout Batch<Int>) async throws { batch.removeAll() }
    }

    /// Failures left to hand out, shared by the writers of every run.
    final class Countdown: Sendable {
        private let left: Atomic<Int>
        init(_ count: Int) { left = Atomic(count) }
        /// Whether a failure was left (and takes it).
        func take() -> Bool { left.subtract(1, ordering: .relaxed).oldValue > 0 }
    }

    final class Counter: Sendable {
        private let count = Atomic<Int>(0)
        func increment() { count.add(1, ordering: .relaxed) }
        var value: Int { count.load(ordering: .relaxed) }
    }

    @Test("A run that fails before its source opens leaves the sequence for the next run")
    func failureBeforeOpenKeepsSequence() async throws {
        let failures = Countdown(1)
        let job = try Job.graph("retry") { graph in
            graph.source(Source(finishedStream(0..<5)).name("events"))
                .map { $0 + 1 }
                .sink(WriterSink(kind: "Flaky") { FailingOpenWriter(failures: failures) })
        }
        #expect(job.plan.tasks.count == 1, "the sink opens before the source of its task")
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .sinkFailed)
        let result = try await job.run()
        #expect(result.metrics[name: "events"]?.recordsOut == 5)
        #expect(result.metrics[name: "Flaky"]?.recordsIn == 5)
    }

    @Test("A run that fails after its source opened (a later task's open) has read the sequence")
    func failureAfterOpenUsesSequence() async throws {
        let failures = Countdown(1)
        let job = try Job.graph("retry") { graph in
            graph.source(Source(finishedStream(0..<5)).name("events"))
                .keyBy { $0 % 2 }.reduce(+)
                .sink(WriterSink(kind: "Flaky") { FailingOpenWriter(failures: failures) })
        }
        #expect(job.plan.tasks.count == 2, "the source's task opens before the sink's")
        let first = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(first?.code == .sinkFailed)
        let second = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(second?.code == .invalidConfiguration)
        #expect(second?.stageName == "events")
    }
}
