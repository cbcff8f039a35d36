import Flow
import FlowTesting
import Testing

/// Timestamps set inside a fused chain, and by sources, reach the stages and sinks after them.
@Suite("Timestamps through fused chains")
struct AssignTimestampsJobTests {
    /// `source` → map → stamp (value × 7) → filter → map → collect: the stamp in the middle.
    private func job<Reader>(
        _ name: String, _ source: Source<Reader>, into out: CollectedRecords<Int>,
        configuration: ExecutionConfiguration = ExecutionConfiguration(batchSize: 7)
    ) throws -> Job
    where Reader.Output == Int {
        try Job(name, configuration: configuration) {
            source
            Map { (value: Int) in value + 1 }
            AssignTimestamps { (value: Int) in EventTime(milliseconds: Int64(value) * 7) }.name("stamp")
            Filter { (value: Int) in value % 3 != 0 }
            Map { (value: Int) in value * 10 }
            Sink(.collect(into: out))
        }
    }

    private let values = Array(0..<50)
    private var expected: [Int] { values.map { $0 + 1 }.filter { $0 % 3 != 0 } }

    @Test("A stamp in the middle of a builder chain: the sink sees its timestamps, on every variant, and the chain is one loop")
    func builderChain() async throws {
        let fused = try job("stamped", Source(values), into: CollectedRecords())
        #expect(
            fused.plan.tasks.count == 1 && fused.plan.tasks[0].sourceStageCount == 5 && fused.plan.tasks[0].loopCount == 1,
            "the source runs all four stages in one loop:\n\(fused.explain())")
        #expect(fused.explain().contains("AssignTimestamps"), "\(fused.explain())")

        let out = CollectedRecords<Int>()
        let results = try await ExecutionVariants.run(
            seeds: 0..<10,
            makeJob: { configuration in
                out.removeAll(); return try job("stamped", Source(values), into: out, configuration: configuration)
            },
            collect: { (records: out.records, timestamps: out.timestamps.map(\.milliseconds)) })
        for (variant, output) in results {
            #expect(output.records == expected.map { $0 * 10 }, "\(variant)")
            #expect(output.timestamps == expected.map { Int64($0) * 7 }, "\(variant)")
        }
    }

    @Test("The fluent assignTimestamps fuses with its neighbours and sets the timestamps")
    func fluent() async throws {
        let out = CollectedRecords<Int>()
        let job = try Job.graph("fluent-stamp") { graph in
            graph.source(Source(values))
                .map { $0 + 1 }
                .assignTimestamps { EventTime(milliseconds: Int64($0) * 7) }
                .filter { $0 % 3 != 0 }
                .sink(.collect(into: out))
        }
        #expect(job.plan.tasks.count == 1, "\(job.explain())")
        try await job.run()
        #expect(out.records == expected)
        #expect(out.timestamps.map(\.milliseconds) == expected.map { Int64($0) * 7 })
    }

    @Test("fused { } with a stamp is one nested-call chain")
    func fusedBlock() async throws {
        let out = CollectedRecords<Int>()
        let job = try Job.graph("fused-stamp") { graph in
            graph.source(Source(values)).fused {
                Map { (value: Int) in value + 1 }
                AssignTimestamps { (value: Int) in EventTime(milliseconds: Int64(value) * 7) }
                Filter { (value: Int) in value % 3 != 0 }
            }.sink(.collect(into: out))
        }
        try await job.run()
        #expect(out.records == expected)
        #expect(out.timestamps.map(\.milliseconds) == expected.map { Int64($0) * 7 })
    }
}
