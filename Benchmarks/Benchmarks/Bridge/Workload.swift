// The records every bridge benchmark moves, and the result both ends must agree on.
//
//   producer thread ── Batch<Reading> × 1024 ──► RingBridge (slots 1/2/4/8) ──► consumer thread: Σ value
//
// Record i is `Reading(sensor: i & 1023, value: 3i, time: i)`: 24 bytes, trivial. The consumer
// sums `value`, so a run of n records must end with checksum 3 · n(n−1)/2.

/// A sensor reading (24 bytes, trivial), made from its sequence number.
struct Reading: Sendable {
    var sensor: Int64
    var value: Int64
    var time: Int64

    /// Record number `seq`.
    @inline(__always)
    init(_ seq: Int64) {
        sensor = seq & 1023
        value = seq &* 3
        time = seq
    }
}

/// What the consumer saw: records and the sum of their `value`.
struct Outcome: Equatable, Sendable, CustomStringConvertible {
    var count: Int
    var checksum: Int64

    /// The outcome every correct run of `records` records must have.
    static func expected(records n: Int64) -> Outcome {
        Outcome(count: Int(n), checksum: 3 &* (n &* (n - 1) / 2))
    }

    var description: String { "\(count) records, checksum \(checksum)" }
}

/// Hides a value from the optimizer, so a record count is not a compile-time constant.
@inline(never)
func opaque<T>(_ value: T) -> T { value }
