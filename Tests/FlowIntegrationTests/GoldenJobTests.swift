import Flow
import FlowTesting
import Testing

/// A Nexmark-like bid, made from its sequence number.
struct Bid: Sendable, Hashable {
    var auction: Int64
    var bidder: Int64
    var price: Int64

    init(_ n: Int64) {
        let h = UInt64(bitPattern: n) &* 0x9E37_79B9_7F4A_7C15
        auction = Int64((h >> 33) % 50)
        bidder = Int64((h >> 17) % 1000)
        price = 100 + Int64(h % 10_000)
    }
}

/// The same computation without Flow: the oracle for the golden jobs.
func expectedTotals(count: Int64) -> [Int64: Int64] {
    var totals: [Int64: Int64] = [:]
    for n in 0..<count {
        let bid = Bid(n)
        guard bid.auction % 7 != 0 else { continue }
        totals[bid.auction, default: 0] += bid.price * 2
    }
    return totals
}

@Suite("Golden jobs: output does not depend on batching, credits, fusion or parallelism")
struct GoldenJobTests {
    static let count: Int64 = 5_000

    static func job(_ configuration: ExecutionConfiguration, parallelism: Int, into out: CollectedRecords<Keyed<Int64, Int64>>) throws -> Job {
        try Job("golden", configuration: configuration) {
            Source.generator(count: count) { (n: Int64) in Bid(n) }.parallelism(parallelism)
            Filter { (bid: Bid) in bid.auction % 7 != 0 }.parallelism(parallelism)
            Map { (bid: Bid) in Bid.Priced(auction: bid.auction, doubled: bid.price * 2) }.parallelism(parallelism)
            KeyBy { (priced: Bid.Priced) in priced.auction }
            Aggregate.sum { (priced: Bid.Priced) in priced.doubled }.parallelism(parallelism)
            Sink(.collect(into: out)).parallelism(parallelism)
        }
    }

    @Test("Per key, the running sums are the same under every batch size, credit count and fusion setting")
    func variants() async throws {
        let out = CollectedRecords<Keyed<Int64, Int64>>()
        let results = try await ExecutionVariants.run(
            makeJob: { configuration in
                out.removeAll(); return try Self.job(configuration, parallelism: 1, into: out)
            },
            collect: { out.records }
        )
        let reference = results[0].output
        #expect(lastValues(reference) == expectedTotals(count: Self.count))
        for (variant, output) in results {
            #expect(output == reference, "\(variant)")
        }
    }

    @Test("Parallelism 1, 2 and 4 give the same per-key sequence of running sums", arguments: [2, 4])
    func parallelism(_ parallelism: Int) async throws {
        let single = CollectedRecords<Keyed<Int64, Int64>>()
        try await Self.job(ExecutionConfiguration(), parallelism: 1, into: single).run()
        let parallel = CollectedRecords<Keyed<Int64, Int64>>()
        let job = try Self.job(ExecutionConfiguration(batchSize: 64), parallelism: parallelism, into: parallel)
        try await job.run()
        let perKey = { (records: [Keyed<Int64, Int64>]) in Dictionary(grouping: records, by: \.key).mapValues { $0.map(\.value).sorted() } }
        // Records of one key arrive from several source instances in an order that depends on the
        // interleaving, so compare the multiset of running sums' final values and the totals.
        #expect(lastValues(parallel.records).count == expectedTotals(count: Self.count).count)
        #expect(perKey(parallel.records).mapValues(\.count) == perKey(single.records).mapValues(\.count))
        #expect(perKey(parallel.records).mapValues { $0.last } == perKey(single.records).mapValues { $0.last })
        #expect(job.plan.tasks.map(\.parallelism) == [parallelism, parallelism])
    }

    @Test("Each key is processed by exactly one instance: the one owning its key group")
    func keyOwnership() async throws {
        let parallelism = 3
        let out = CollectedRecords<Keyed<Int64, Int64>>()
        try await Self.job(ExecutionConfiguration(), parallelism: parallelism, into: out).run()
        for subtask in 0..<parallelism {
            for record in out.records(ofSubtask: subtask) {
                let owner = KeyGroup(of: record.key, maxParallelism: KeyGroup.defaultMaxParallelism)
                    .owner(parallelism: parallelism, maxParallelism: KeyGroup.defaultMaxParallelism)
                #expect(owner == subtask, "key \(record.key) emitted by subtask \(subtask), owned by \(owner)")
            }
        }
        #expect(out.records.count == out.records(ofSubtask: 0).count + out.records(ofSubtask: 1).count + out.records(ofSubtask: 2).count)
    }

    @Test("The fluent and the DSL forms of a job give the same output")
    func fluentEqualsDSL() async throws {
        let dsl = CollectedRecords<Keyed<Int64, Int64>>()
        try await Self.job(ExecutionConfiguration(), parallelism: 1, into: dsl).run()
        let fluent = CollectedRecords<Keyed<Int64, Int64>>()
        let job = try Job.graph("golden-fluent") { graph in
            graph.source(.generator(count: Self.count) { Bid($0) })
                .filter { $0.auction % 7 != 0 }
                .map { Bid.Priced(auction: $0.auction, doubled: $0.price * 2) }
                .keyBy { $0.auction }
                .sum { $0.doubled }
                .sink(.collect(into: fluent))
        }
        try await job.run()
        #expect(fluent.records == dsl.records)
    }
}

extension Bid {
    struct Priced: Sendable, Hashable {
        var auction: Int64
        var doubled: Int64
    }
}
