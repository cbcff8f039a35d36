import Flow
import Testing

/// A source followed by pure stages runs as one reader that pushes each record through them.
@Suite("A source fused with the pure stages after it")
struct SourceFusionTests {
    /// A record maker as a type, so the fused loop is specialized for it.
    struct Tenfold: GeneratorFunction {
        func make(_ sequenceNumber: Int64) -> Int { Int(sequenceNumber) * 10 }
    }

    /// The job every variant runs: `source` → map → filter → flatMap (fan-out) → map → collect.
    private func job<Reader>(_ name: String, _ source: Source<Reader>, into out: CollectedRecords<String>,
                             configuration: ExecutionConfiguration = ExecutionConfiguration(batchSize: 7)) throws -> Job
    where Reader.Output == Int {
        try Job(name, configuration: configuration) {
            source.name("numbers")
            Map { (value: Int) in value + 1 }.name("inc")
            Filter { (value: Int) in value % 3 != 0 }.name("not3")
            FlatMap { (value: Int) in [value, -value] }.name("both")
            Map { (value: Int) in "v\(value)" }.name("label")
            Sink(.collect(into: out)).name("out")
        }
    }

    private func expected(_ values: some Sequence<Int>) -> [String] {
        values.map { $0 + 1 }.filter { $0 % 3 != 0 }.flatMap { [$0, -$0] }.map { "v\($0)" }
    }

    private func stream(_ values: [Int]) -> AsyncStream<Int> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        for value in values { continuation.yield(value) }
        continuation.finish()
        return stream
    }

    @Test("Every kind of source, fused, gives what the same job gives unfused")
    func sameOutput() async throws {
        let values = (0..<100).map { $0 * 10 }
        let sources: [(String, (CollectedRecords<String>, ExecutionConfiguration) throws -> Job)] = [
            ("collection", { try job("collection", Source(values), into: $0, configuration: $1) }),
            ("closure generator", { try job("generator", Source.generator(count: 100) { Int($0) * 10 }, into: $0, configuration: $1) }),
            ("typed generator", { try job("typed", Source.generator(count: 100, function: Tenfold()), into: $0, configuration: $1) }),
            ("rate-limited generator",
             { try job("paced", Source.generator(count: 100, recordsPerSecond: 100_000, function: Tenfold()), into: $0, configuration: $1) }),
            ("AsyncSequence", { try job("stream", Source(stream(values)), into: $0, configuration: $1) }),
        ]
        for (kind, make) in sources {
            let fusedOut = CollectedRecords<String>()
            let fused = try make(fusedOut, ExecutionConfiguration(batchSize: 7))
            #expect(fused.plan.tasks.count == 1 && fused.plan.tasks[0].sourceStageCount == 5 && fused.plan.tasks[0].pieces.isEmpty,
                    "\(kind): the source runs all four stages")
            try await fused.run()

            let plainOut = CollectedRecords<String>()
            let plain = try make(plainOut, ExecutionConfiguration(batchSize: 7, fusionEnabled: false))
            #expect(plain.plan.tasks.allSatisfy { $0.sourceStageCount <= 1 })
            try await plain.run()

            #expect(fusedOut.records == expected(values), "\(kind)")
            #expect(plainOut.records == fusedOut.records, "\(kind)")
        }
    }

    @Test("At parallelism 2 on threads each instance pushes its own share through its own chain")
    func parallel() async throws {
        let out = CollectedRecords<String>()
        let job = try job("parallel", Source.generator(count: 10_000, function: Tenfold()), into: out,
                          configuration: ExecutionConfiguration(batchSize: 64, defaultParallelism: 2))
        #expect(job.plan.tasks.count == 1 && job.plan.tasks[0].parallelism == 2 && job.plan.tasks[0].sourceStageCount == 5)
        try await job.run(on: .dispatch)
        #expect(out.records.sorted() == expected((0..<10_000).map { $0 * 10 }).sorted())
    }

    @Test("Each stage inside the fused source counts its records in and out as it would unfused")
    func counts() async throws {
        let values = Array(0..<50)
        let fused = try await job("fused", Source(values), into: CollectedRecords()).run()
        let plain = try await job("plain", Source(values), into: CollectedRecords(),
                                  configuration: ExecutionConfiguration(batchSize: 7, fusionEnabled: false)).run()
        let counts = { (result: JobResult) in result.metrics.stages.map { "\($0.name) \($0.recordsIn)/\($0.recordsOut)" } }
        // 50 made; +1 keeps 50; 16 of 1...50 are multiples of 3; each of the 34 left twice.
        #expect(counts(fused) == ["numbers 0/50", "inc 50/50", "not3 50/34", "both 34/68", "label 68/68", "out 68/0"])
        #expect(counts(plain) == counts(fused))
    }

    @Test("A stage inside the fused source that throws names itself and the record's position in the source")
    func failure() async throws {
        for fusion in [true, false] {
            let job = try Job("fails", configuration: ExecutionConfiguration(batchSize: 4, fusionEnabled: fusion)) {
                Source.generator(count: 40) { Int($0) }.name("numbers")
                Map { (value: Int) in value * 2 }.name("double")
                Filter { (value: Int) in
                    if value == 26 { throw TestFailure(reason: "thirteen") }
                    return true
                }.name("picky")
                Sink(.discard)
            }
            #expect(job.plan.tasks[0].sourceStageCount == (fusion ? 3 : 1))
            let error = await #expect(throws: FlowError.self) { try await job.run() }
            #expect(error?.code == .userFunctionFailed, "fusion \(fusion)")
            #expect(error?.stageName == "picky", "fusion \(fusion)")
            // Record 13 of the source (the fourth batch of four) reached the filter as 26.
            #expect(error?.recordPosition == 13, "fusion \(fusion)")
            #expect(error?.record == "26", "fusion \(fusion)")
            #expect(error?.underlying as? TestFailure == TestFailure(reason: "thirteen"), "fusion \(fusion)")
        }
    }

    @Test("A chain the planner splits keeps the source on its own, and the output is unchanged")
    func brokenChain() async throws {
        let out = CollectedRecords<Int>()
        let job = try Job("split") {
            Source(Array(0..<20)).name("numbers")
            Map { (value: Int) in value + 1 }
            Map { (value: Int) in value * 2 }.disableChaining()
            Sink(.collect(into: out))
        }
        #expect(job.plan.tasks[0].sourceStageCount == 1, "the composed source covers both maps; only the first fuses")
        try await job.run()
        #expect(out.records == (0..<20).map { ($0 + 1) * 2 })
    }

    @Test("explain() says how many stages the source runs")
    func explain() throws {
        let text = try job("explained", Source([1, 2, 3]), into: CollectedRecords()).explain()
        #expect(text.contains("Task 0 [fused, source runs 4 stages]"), "\(text)")
    }
}
