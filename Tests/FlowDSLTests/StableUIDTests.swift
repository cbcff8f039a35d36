import Flow
import FlowRuntime
import FlowTesting
import Testing

/// Derived uids follow a stage's kind and place in the graph, not its name, so renaming a stage
/// keeps its state; a keyed stage without a uid of its own is warned about.
@Suite struct StableUIDTests {
    private static func sumJob(
        into results: CollectedRecords<Keyed<Int, Int>>, sumName: String, sourceName: String = "numbers",
        sumUID: String? = nil
    ) throws -> Job {
        var sum = Aggregate.sum { (x: Int) in x }.name(sumName)
        if let sumUID { sum = sum.uid(sumUID) }
        return try Job("sums") {
            Source(Array(0..<100)).name(sourceName)
            KeyBy { (x: Int) in x % 4 }
            sum
            Sink(.collect(into: results))
        }
    }

    @Test("Renaming stages keeps every derived uid; changing a kind or adding a stage before one changes it")
    func renamesKeepUIDs() throws {
        let results = CollectedRecords<Keyed<Int, Int>>()
        let original = try Self.sumJob(into: results, sumName: "sum").plan.tasks.flatMap(\.stages)
        let renamed = try Self.sumJob(into: results, sumName: "total per key", sourceName: "input").plan.tasks.flatMap(\.stages)
        #expect(renamed.map(\.name) != original.map(\.name))
        #expect(renamed.map(\.uid) == original.map(\.uid))

        let withMap = try Job("sums") {
            Source(Array(0..<100)).name("numbers")
            Map { (x: Int) in x }
            KeyBy { (x: Int) in x % 4 }
            Aggregate.sum { (x: Int) in x }.name("sum")
            Sink(.discard)
        }.plan.tasks.flatMap(\.stages)
        #expect(withMap[0].uid == original[0].uid, "the source's place did not change")
        #expect(
            withMap.first { $0.kind == "Aggregate" }?.uid != original.first { $0.kind == "Aggregate" }?.uid,
            "a stage added before the aggregate moves it in the graph")
    }

    @Test("State stored under a derived uid is restored into the renamed stage")
    func renamedStageResumes() async throws {
        // The aggregate's state after the first 50 records, stored under the original job's derived uid.
        let original = try Self.sumJob(into: CollectedRecords(), sumName: "sum")
        let uid = try #require(original.plan.tasks.flatMap(\.stages).first { $0.kind == "Aggregate" }?.uid)
        var harness = try OperatorHarness(KeyedAggregateOperator(key: { (x: Int) in x % 4 }, function: SumAggregate { (x: Int) in x }), uid: uid)
        try harness.push(Array(0..<50))
        _ = harness.takeOutput()
        let snapshot = try harness.snapshot(checkpoint: 1)
        try harness.end()

        // Resumed under another name: the sums go on from the stored state.
        let results = CollectedRecords<Keyed<Int, Int>>()
        let renamed = try Self.sumJob(into: results, sumName: "total per key")
        #expect(renamed.plan.tasks.flatMap(\.stages).first { $0.kind == "Aggregate" }?.uid == uid)
        let resumed = JobExecution(plan: renamed.plan, backend: BackendKind.sync.defaultBackend, processingTime: nil, restoring: [uid: [snapshot]])
        _ = try await resumed.run()
        let expected = Dictionary(
            uniqueKeysWithValues: (0..<4).map { key in
                (key, stride(from: key, to: 50, by: 4).reduce(0, +) + stride(from: key, to: 100, by: 4).reduce(0, +))
            })
        #expect(lastValues(results.records) == expected)
    }

    @Test("A keyed stage without a uid of its own is warned about, by name; with one it is not")
    func statefulStageWithoutUIDWarns() throws {
        let results = CollectedRecords<Keyed<Int, Int>>()
        let warned = try Self.sumJob(into: results, sumName: "sum")
        #expect(warned.plan.warnings.count == 1)
        let warning = try #require(warned.plan.warnings.first)
        #expect(warning.code == .derivedUIDOnStatefulStage && warning.stageName == "sum")
        #expect(warning.message.contains(".uid("))
        #expect(warned.explain().hasSuffix(warning.description))
        #expect(warned.explain(.json).contains("derivedUIDOnStatefulStage"))

        let quiet = try Self.sumJob(into: results, sumName: "sum", sumUID: "sum-v1")
        #expect(quiet.plan.warnings.isEmpty)
        #expect(!quiet.explain().contains("warning"))
    }

    @Test("explain(on:) shows the backend run(on:) places the tasks on")
    func explainOnBackend() throws {
        let job = try Job("placed") {
            Source([1, 2])
            Map { (x: Int) in x }.disableChaining()
            Sink(.discard)
        }
        #expect(job.explain().contains("backend sync"))
        let placed = job.explain(on: .dispatch)
        #expect(placed.contains("backend dispatch") && !placed.contains("backend sync"))
    }
}
