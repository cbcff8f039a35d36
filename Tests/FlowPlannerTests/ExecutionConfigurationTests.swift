import Flow
import FlowGraph
import Testing

@Suite("ExecutionConfiguration: the planner accepts each setting in its range, and only there")
struct ExecutionConfigurationTests {
    private func job(_ configuration: ExecutionConfiguration) throws -> Job {
        try Job("limits", configuration: configuration) {
            Source([1, 2, 3])
            Map { (x: Int) in x * 2 }
            Sink(.discard)
        }
    }

    /// A configuration out of range, the setting it must name, and a fragment the message must hold.
    struct OutOfRange: Sendable, CustomTestStringConvertible {
        var configuration: ExecutionConfiguration
        var setting: String
        var fragments: [String]
        var testDescription: String { "\(setting): \(fragments.joined(separator: ", "))" }
    }

    static let outOfRange: [OutOfRange] = [
        OutOfRange(configuration: ExecutionConfiguration(batchSize: .max), setting: "batchSize", fragments: ["\(Int.max)", "1...1048576"]),
        OutOfRange(configuration: ExecutionConfiguration(batchSize: 1 << 40), setting: "batchSize", fragments: ["1099511627776", "1...1048576"]),
        OutOfRange(configuration: ExecutionConfiguration(batchSize: (1 << 20) + 1), setting: "batchSize", fragments: ["1048577"]),
        OutOfRange(configuration: ExecutionConfiguration(batchSize: 0), setting: "batchSize", fragments: ["got 0", "1...1048576"]),
        OutOfRange(configuration: ExecutionConfiguration(channelCredits: .max), setting: "channelCredits", fragments: ["\(Int.max)", "1...4096"]),
        OutOfRange(configuration: ExecutionConfiguration(channelCredits: 1_000_000_000), setting: "channelCredits", fragments: ["1000000000", "1...4096"]),
        OutOfRange(configuration: ExecutionConfiguration(channelCredits: 4097), setting: "channelCredits", fragments: ["4097"]),
        OutOfRange(configuration: ExecutionConfiguration(channelCredits: -1), setting: "channelCredits", fragments: ["got -1"]),
        OutOfRange(configuration: ExecutionConfiguration(channelByteBudget: 0), setting: "channelByteBudget", fragments: ["got 0", "1...1099511627776"]),
        OutOfRange(configuration: ExecutionConfiguration(channelByteBudget: .max), setting: "channelByteBudget", fragments: ["\(Int.max)"]),
        OutOfRange(
            configuration: ExecutionConfiguration(defaultMaxParallelism: 40000), setting: "defaultMaxParallelism",
            fragments: ["40000", "1...32768"]),
        OutOfRange(configuration: ExecutionConfiguration(defaultMaxParallelism: .max), setting: "defaultMaxParallelism", fragments: ["1...32768"]),
        OutOfRange(
            configuration: ExecutionConfiguration(defaultParallelism: 40000, defaultMaxParallelism: 32768), setting: "defaultParallelism",
            fragments: ["40000", "1...32768"]),
        OutOfRange(configuration: ExecutionConfiguration(defaultParallelism: .max), setting: "defaultParallelism", fragments: ["1...32768"]),
        OutOfRange(configuration: ExecutionConfiguration(flushTimeout: .seconds(3601)), setting: "flushTimeout", fragments: ["1 hour"]),
        OutOfRange(configuration: ExecutionConfiguration(flushTimeout: .seconds(Int64.max)), setting: "flushTimeout", fragments: ["1 hour"]),
        OutOfRange(configuration: ExecutionConfiguration(flushTimeout: .zero), setting: "flushTimeout", fragments: ["positive"]),
    ]

    @Test(
        "A setting out of range is rejected at Job(...) with .invalidConfiguration naming the setting, the value and the range",
        arguments: outOfRange)
    func rejected(_ case_: OutOfRange) {
        let error = #expect(throws: FlowError.self) { try job(case_.configuration) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.stageName == nil, "a job-wide setting is not a stage's fault")
        let message = error?.message ?? ""
        #expect(message.hasPrefix(case_.setting + " "), "message was: \(message)")
        for fragment in case_.fragments {
            #expect(message.contains(fragment), "'\(fragment)' missing from: \(message)")
        }
    }

    @Test("The ranges are the documented ones")
    func ranges() {
        #expect(ExecutionConfiguration.batchSizeRange == 1...1_048_576)
        #expect(ExecutionConfiguration.channelCreditsRange == 1...4096)
        #expect(ExecutionConfiguration.channelByteBudgetRange == 1...(1 << 40))
        #expect(ExecutionConfiguration.parallelismRange == 1...32768)
        #expect(ExecutionConfiguration.maxParallelismRange == 1...32768)
        #expect(ExecutionConfiguration.maximumFlushTimeout == .seconds(3600))
    }

    @Test("The largest value of each setting is accepted")
    func largestAccepted() throws {
        _ = try job(ExecutionConfiguration(batchSize: 1 << 20))
        _ = try job(ExecutionConfiguration(channelCredits: 4096))
        _ = try job(ExecutionConfiguration(channelByteBudget: 1 << 40))
        _ = try job(ExecutionConfiguration(flushTimeout: .seconds(3600)))
        _ = try job(ExecutionConfiguration(defaultMaxParallelism: 32768))
        let widest = try job(ExecutionConfiguration(defaultParallelism: 32768, defaultMaxParallelism: 32768))
        #expect(widest.plan.tasks.map(\.parallelism) == [32768])
        _ = try job(ExecutionConfiguration(flushTimeout: .nanoseconds(1)))
    }

    @Test("A job runs at the largest batch size, credit count and flush timeout")
    func largestRun() async throws {
        let out = CollectedRecords<Int>()
        let configuration = ExecutionConfiguration(batchSize: 1 << 20, flushTimeout: .seconds(3600), channelCredits: 4096)
        let job = try Job("largest", configuration: configuration) {
            Source([1, 2, 3, 4, 5])
            KeyBy { (x: Int) in x % 2 }
            Reduce { (a: Int, b: Int) in a + b }
            Sink(.collect(into: out))
        }
        let backends: [any ExecutionBackend] = [SyncBackend.sync(seed: 7), SyncBackend(), DispatchBackend()]
        for backend in backends {
            out.removeAll()
            try await job.run(on: backend)
            #expect(out.records.sorted() == [1, 2, 4, 6, 9])
        }
    }

    @Test("A byte budget of one byte sends every record alone, and the output is the same")
    func smallestByteBudget() async throws {
        let out = CollectedRecords<Keyed<Int, Int>>()
        let job = try Job("one-byte", configuration: ExecutionConfiguration(channelByteBudget: 1)) {
            Source(Array(1...100))
            KeyBy { (x: Int) in x % 3 }
            Aggregate.sum { (x: Int) in x }
            Sink(.collect(into: out))
        }
        let result = try await job.run(on: .dispatch)
        #expect(out.records.count == 100)
        let totals = Dictionary(out.records.map { ($0.key, $0.value) }, uniquingKeysWith: { Swift.max($0, $1) })
        #expect(totals == [0: 1683, 1: 1717, 2: 1650])
        let edge = try #require(result.metrics.edges.first)
        #expect(edge.recordsSent == 100 && edge.elementsSent == 102, "one batch per record, a watermark and the end: \(edge)")
    }
}
