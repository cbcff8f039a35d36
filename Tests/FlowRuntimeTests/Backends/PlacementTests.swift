import Flow
import FlowTesting
import Testing

@Suite("Backends: placement of tasks, mixed jobs", .timeLimit(.minutes(2)))
struct PlacementTests {
    static func mixedJob(into out: CollectedRecords<Keyed<Int, Int>>) throws -> Job {
        try Job("mixed") {
            Source(Array(0..<5000)).backend(.actor)
            Map { (x: Int) in x * 3 }.backend(.dispatch)
            KeyBy { (x: Int) in x % 10 }
            Aggregate(.count).parallelism(2)
            Sink(.collect(into: out)).parallelism(2)
        }
    }

    @Test("Stages choose their backend; the rest run where the job runs; explain() shows the placement")
    func mixed() async throws {
        let out = CollectedRecords<Keyed<Int, Int>>()
        let job = try Self.mixedJob(into: out)
        // The Map chose another backend than the source, so it is not fused with it.
        #expect(job.plan.tasks.map(\.backend) == [.actor, .dispatch, .sync])
        #expect(job.plan.tasks.map(\.backendIsUserSet) == [true, true, false])
        let text = job.explain()
        #expect(text.contains("Task 0 [single] parallelism 1, max 128, backend actor (chosen by a stage)"))
        #expect(text.contains("Task 1 [single] parallelism 1, max 128, backend dispatch (chosen by a stage)"))
        #expect(text.contains("Task 2 [fused] parallelism 2, max 128, backend sync\n"))
        #expect(job.explain(.json).contains("\"backendIsUserSet\" : true"))

        for backend in [BackendKind.sync, .dispatch, .actor] {
            out.removeAll()
            let run = execution(of: job, on: backend)
            let result = try await run.run()
            #expect(result.metrics.tasks.map(\.backend) == ["actor", "dispatch", backend.name, backend.name])
            #expect(lastValues(out.records) == Dictionary(uniqueKeysWithValues: (0..<10).map { ($0, 500) }))
            #expect(out.records.count == 5000)
            expectNoRunnerLeft(run)
        }
    }

    @Test("Every seed of the schedule controller gives the same per-key output for a mixed job")
    func mixedUnderSeeds() async throws {
        let out = CollectedRecords<Keyed<Int, Int>>()
        let job = try Self.mixedJob(into: out)
        for seed in UInt64(0)..<20 {
            out.removeAll()
            try await job.run(on: .sync(seed: seed))
            let perKey = Dictionary(grouping: out.records, by: \.key).mapValues { $0.map(\.value) }
            #expect(perKey == Dictionary(uniqueKeysWithValues: (0..<10).map { ($0, Array(1...500)) }), "seed \(seed)")
        }
    }

    @Test("A configuration's backend places unchosen tasks; run(on:) overrides it")
    func configurationBackend() async throws {
        let out = CollectedRecords<Int>()
        let job = try Job("configured", configuration: ExecutionConfiguration(backend: .actor)) {
            Source(Array(0..<100))
            Map { (x: Int) in x + 1 }.disableChaining()
            Sink(.collect(into: out))
        }
        #expect(job.plan.tasks.map(\.backend) == [.actor, .actor])
        let result = try await job.run()
        #expect(result.metrics.tasks.map(\.backend) == ["actor", "actor"])
        #expect(out.records == Array(1...100))
        out.removeAll()
        let onDispatch = try await job.run(on: .dispatch)
        #expect(onDispatch.metrics.tasks.map(\.backend) == ["dispatch", "dispatch"])
        #expect(out.records == Array(1...100))
    }

    @Test("An unknown backend is a configuration error")
    func unknownBackend() throws {
        let error = #expect(throws: FlowError.self) {
            try Job("bad", configuration: ExecutionConfiguration(backend: BackendKind(name: "gpu"))) {
                Source([1])
                Sink(.discard)
            }
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("gpu") == true)
    }
}

@Suite("Schedule controller")
struct ScheduleControllerTests {
    static func job(into out: CollectedRecords<Keyed<Int, Int>>) throws -> Job {
        try Job("interleaved", configuration: ExecutionConfiguration(batchSize: 4, channelCredits: 1)) {
            Source(Array(0..<200)).parallelism(2)
            Map { (x: Int) in x * 2 }.parallelism(2)
            KeyBy { (x: Int) in x % 3 }
            Aggregate.sum { (x: Int) in x }.parallelism(3)
            Sink(.collect(into: out)).parallelism(3)
        }
    }

    @Test("The same seed gives the same trace and the same output; other seeds other interleavings")
    func reproducible() async throws {
        let out = CollectedRecords<Keyed<Int, Int>>()
        let job = try Self.job(into: out)
        var traces: [[ScheduleTrace.Step]] = []
        var outputs: [[Keyed<Int, Int>]] = []
        for seed: UInt64 in [7, 7, 8, 9] {
            out.removeAll()
            let trace = ScheduleTrace()
            try await job.run(on: .sync(seed: seed, trace: trace))
            #expect(trace.seed == seed)
            #expect(trace.stepCount == trace.steps.count && trace.stepCount > 100)
            traces.append(trace.steps)
            outputs.append(out.records)
        }
        #expect(traces[0] == traces[1])
        #expect(outputs[0] == outputs[1])
        #expect(traces[0] != traces[2] && traces[2] != traces[3])
        #expect(outputs[0] != outputs[2] || outputs[2] != outputs[3], "the interleaving shows in the global output order")
        // The order of a key's records from two source instances depends on the seed; the sums
        // they converge to, and how many updates each key gets, do not.
        let expected = Dictionary(grouping: (0..<200).map { $0 * 2 }, by: { $0 % 3 }).mapValues { $0.reduce(0, +) }
        for output in outputs {
            #expect(lastValues(output) == expected)
            #expect(Dictionary(grouping: output, by: \.key).mapValues(\.count) == Dictionary(grouping: 0..<200, by: { ($0 * 2) % 3 }).mapValues(\.count))
        }
    }

    @Test("The trace prints the seed and one line per step")
    func printable() async throws {
        let out = CollectedRecords<Keyed<Int, Int>>()
        let trace = ScheduleTrace(limit: 5)
        try await Self.job(into: out).run(on: .sync(seed: 3, trace: trace))
        let lines = trace.description.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines[0].hasPrefix("seed 3: \(trace.stepCount) steps (first 5 kept)"))
        #expect(lines[1].hasPrefix("  0 Task "))
        #expect(trace.steps.allSatisfy { ["progressed", "no input", "no credit", "idle", "finished"].contains($0.outcome) })
    }
}
