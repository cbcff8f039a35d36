// The Nexmark-like bids of Flink's peer benchmark (shared/peers/flink/NexmarkLite.java), ported
// field for field, so Flow and Flink process the same events.
//
//   e ─bidFor─► Bid ─project─► AuctionPrice ─hash(auction)─► running sum per auction ─► count
//
// `bidFor(e)` is a pure function of the event number e: SplitMix64 over (e + 1) · golden gives
// h, and h2 = mix(h); about 90 % of bids go to 1,000 hot auctions, about 10 % to a tail of 1M.

/// A Nexmark bid, as `NexmarkLite.Bid` (four `long`s and three `String`s).
struct Bid: Sendable {
    var auction: Int64
    var bidder: Int64
    var price: Int64
    var channel: String
    var url: String
    var dateTime: Int64
    var extra: String
}

/// `Tuple2<Long, Long>(auction, price)`: what Flink's `sum` query projects a bid to and sums.
struct AuctionPrice: Sendable, Hashable {
    var auction: Int64
    var price: Int64
}

/// The generator of NexmarkLite.java, constant for constant.
enum Nexmark {
    /// Event time of event 0 (2023-11-14T22:13:20Z); event e has dateTime = baseTime + e / 10.
    static let baseTime: Int64 = 1_700_000_000_000
    static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15
    static let hotAuctions: UInt64 = 1_000
    static let tailAuctions: UInt64 = 1_000_000
    static let channelCount: UInt64 = 100

    static let channels: [String] = (0..<100).map { (index: Int) -> String in
        let first = ["Google", "Facebook", "Baidu", "Apple"]
        return index < first.count ? first[index] : "channel-\(index)"
    }
    static let urls: [String] = (0..<100).map { "https://www.nexmark.com/item.htm?query=1&channel_id=\($0)" }
    static let extras: [String] = (0..<16).map { index in
        var extra = ""
        for position in 0..<(32 + index) {
            let letter = UInt8(97 + (index + position) % 26)  // 'a' + (i + j) % 26
            extra.append(Character(Unicode.Scalar(letter)))
        }
        return extra
    }

    /// The SplitMix64 finalizer (`NexmarkLite.mix`).
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Bid number `e` (`NexmarkLite.bidFor`).
    @inline(__always)
    static func bid(_ e: Int64) -> Bid {
        let h = mix(UInt64(bitPattern: e &+ 1) &* golden)
        let h2 = mix(h)
        let auction = (h & 0xFF) < 230 ? (h >> 8) % hotAuctions : hotAuctions + (h >> 8) % tailAuctions
        let bidder = 1 + (h2 & 0xFFFF_FFFF) % 100_000
        let price = 1 + (h2 >> 32) % 10_000
        let channel = Int((h >> 40) % channelCount)
        return Bid(auction: Int64(auction), bidder: Int64(bidder), price: Int64(price), channel: channels[channel],
                   url: urls[channel], dateTime: baseTime + e / 10, extra: extras[Int(e & 15)])
    }

    /// The final running sum of every auction over bids 0..<n, without Flow: the oracle.
    static func totals(events n: Int64) -> [Int64: Int64] {
        var totals: [Int64: Int64] = [:]
        for e in 0..<n {
            let bid = bid(e)
            totals[bid.auction, default: 0] &+= bid.price
        }
        return totals
    }
}
