#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Flow
import Synchronization

/// `NexmarkLite.BidGenerator`: bid number n (instance i of p makes n = i, i + p, i + 2p, …, as
/// Flink's reader i of p does).
struct BidGenerator: GeneratorFunction {
    func make(_ sequenceNumber: Int64) -> Bid { Nexmark.bid(sequenceNumber) }
}

/// `NexmarkLite.ToAuctionPrice`.
struct ToAuctionPrice: MapFunction {
    func map(_ bid: Bid) -> AuctionPrice { AuctionPrice(auction: bid.auction, price: bid.price) }
}

/// Records that reached the sinks, and the CPU time of the sinks' threads, summed over sink
/// instances when they finish.
///
/// ## Concurrency
/// Each sink instance adds once, in `finish()`, from its own task; atomics.
final class SinkCount: Sendable {
    private let total = Atomic<Int>(0)
    private let threadNanos = Atomic<Int>(0)

    func add(_ count: Int, threadCPUNanoseconds: Int) {
        total.add(count, ordering: .relaxed)
        threadNanos.add(threadCPUNanoseconds, ordering: .relaxed)
    }

    func reset() {
        total.store(0, ordering: .relaxed)
        threadNanos.store(0, ordering: .relaxed)
    }

    var value: Int { total.load(ordering: .relaxed) }
    /// CPU seconds the threads of the sink's task used over their lives (one thread per
    /// instance on the dispatch backend, created for the run).
    var sinkThreadCPUSeconds: Double { Double(threadNanos.load(ordering: .relaxed)) * 1e-9 }
}

/// CPU time of the calling thread since it started (CLOCK_THREAD_CPUTIME_ID), in nanoseconds.
func threadCPUNanoseconds() -> Int {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Int(time.tv_sec) * 1_000_000_000 + Int(time.tv_nsec)
}

/// `NexmarkLite.DiscardSink`: drops every record, counting them (one count per instance,
/// added to the shared total at end of input, as the Java writer does in `close()`). At end of
/// input it also reports its thread's CPU time: on the dispatch backend that is the CPU time of
/// its task instance (running-sum → discard), measured without the runtime's own counters.
///
/// ## Concurrency
/// One instance per sink instance, confined to its task (``SinkWriter``).
struct CountingDiscardWriter: SinkWriter {
    typealias Input = AuctionPrice

    let sinkCount: SinkCount
    var count = 0

    /// - Complexity: O(1).
    mutating func write(_ batch: inout Batch<AuctionPrice>) async throws {
        count &+= batch.count
        batch.removeAll(keepingCapacity: true)
    }

    mutating func finish() async throws {
        sinkCount.add(count, threadCPUNanoseconds: threadCPUNanoseconds())
    }
}

/// The last running sum seen for every auction, merged over sink instances at end of input:
/// for checking a run against ``Nexmark/totals(events:)``. Not used while measuring.
///
/// ## Concurrency
/// Each sink instance merges once, in `finish()`; guarded by a `Mutex`.
final class FinalSums: Sendable {
    private let sums = Mutex<[Int64: Int64]>([:])
    private let records = Atomic<Int>(0)

    func merge(_ part: [Int64: Int64], records count: Int) {
        sums.withLock { $0.merge(part) { Swift.max($0, $1) } }
        records.add(count, ordering: .relaxed)
    }

    var value: [Int64: Int64] { sums.withLock { $0 } }
    var recordCount: Int { records.load(ordering: .relaxed) }
}

/// A checking sink: keeps the largest running sum per auction (prices are ≥ 1, so a key's
/// running sum only grows and its largest is its final total).
///
/// ## Concurrency
/// One instance per sink instance, confined to its task.
struct FinalSumWriter: SinkWriter {
    typealias Input = AuctionPrice

    let out: FinalSums
    var sums: [Int64: Int64] = [:]
    var count = 0

    mutating func write(_ batch: inout Batch<AuctionPrice>) async throws {
        for record in batch.records {
            sums[record.auction] = Swift.max(sums[record.auction] ?? 0, record.price)
        }
        count += batch.count
        batch.removeAll(keepingCapacity: true)
    }

    mutating func finish() async throws {
        out.merge(sums, records: count)
    }
}

/// Flink's `sum` query as a Flow job: generator → project → KeyBy(auction) → running sum →
/// sink, every stage at `parallelism`.
///
/// With fusion the plan is two tasks: [generator → project] ─hash(auction)─► [sum → sink], the
/// same chaining Flink's planner makes.
func sumJob<Writer: SinkWriter>(events n: Int64, parallelism p: Int, writer: @escaping @Sendable () -> Writer) throws -> Job
where Writer.Input == AuctionPrice {
    try Job("nexmark-sum-p\(p)") {
        Source.generator(count: n, function: BidGenerator()).name("bids").parallelism(p)
        MapWith(ToAuctionPrice()).name("project").parallelism(p)
        KeyBy { (bid: AuctionPrice) in bid.auction }
        Reduce { (sum: AuctionPrice, bid: AuctionPrice) in AuctionPrice(auction: sum.auction, price: sum.price &+ bid.price) }
            .name("running-sum").parallelism(p)
        Sink(WriterSink(writer)).name("discard").parallelism(p)
    }
}
