// BidStream: a host app that starts a job in the background and consumes its results as an
// AsyncStream while it runs.
//
// generator (50,000 bids/s, 20,000 bids) → Filter (valid) ─hash─► max price per auction → AsyncStream
//
// Run: swift run -c release BidStream    (expected output: Examples/BidStream/README.md)
import Flow

struct Bid: Sendable {
    var auction: Int64
    var bidder: Int64
    var price: Int64

    /// Bid number `n`: a pure function of `n`, so every run sees the same bids.
    init(_ n: Int64) {
        let h = UInt64(bitPattern: n &+ 1) &* 0x9E37_79B9_7F4A_7C15
        auction = 1000 + Int64((h >> 40) % 20)
        bidder = Int64((h >> 20) % 5000)
        price = Int64(h % 100_000) - 1_000  // a few are negative: invalid
    }
}

let (highest, sink) = AsyncStreamSink<Keyed<Int64, Int64?>>.makeStream()

let job = try Job("highest-bid") {
    Source.generator(count: 20_000, recordsPerSecond: 50_000) { (n: Int64) in Bid(n) }.name("bids")
    Filter { (bid: Bid) in bid.price > 0 }.name("valid")
    KeyBy { (bid: Bid) in bid.auction }
    Aggregate.max { (bid: Bid) in bid.price }.name("highest")
    Sink(sink).name("to-app")
}

let handle = job.start()

// The app's side: every update is a new highest bid for an auction.
var best: [Int64: Int64] = [:]
var updates = 0
for await update in highest {
    updates += 1
    if let price = update.value { best[update.key] = price }
}
let result = try await handle.result

print("Highest bid per auction (top 5):")
for (auction, price) in best.sorted(by: { ($0.value, $0.key) > ($1.value, $1.key) }).prefix(5) {
    print("  auction \(auction): \(price)")
}
print("auctions: \(best.count), updates seen by the app: \(updates)")
print("bids read: \(result.metrics[name: "bids"]?.recordsOut ?? 0), valid: \(result.metrics[name: "valid"]?.recordsOut ?? 0)")
print("took at least 0.4 s at 50,000 bids/s: \(result.duration >= .milliseconds(390))")
