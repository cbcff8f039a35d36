// The workload every variant runs: generate → map → filter → map → checksum.
//
//   seq ─reading─► Reading ─scale─► Scaled ─keep?─► Scaled ─digest─► Int64 ─(&+=)─► checksum
//
// Every variant calls these same functions, so the variants differ only in how records move. The
// stamped variants add a timestamp-assigning map after `scale` (`eventTime`), which changes no record.

/// A raw sensor reading, made from a sequence number (24 bytes, trivial).
struct Reading: Sendable {
    var sensor: Int64
    var value: Int64
    var time: Int64
}

/// A reading after the first map (24 bytes, trivial).
struct Scaled: Sendable {
    var sensor: Int64
    var value: Int64
    var time: Int64
}

/// The stage functions of the pipeline, shared by all variants.
enum Workload {
    /// Record `seq`: a multiplicative hash gives sensor in 0..<1024 and value in 0..<65536.
    @inline(__always)
    static func reading(_ seq: Int64) -> Reading {
        let hash = UInt64(bitPattern: seq) &* 0x9E37_79B9_7F4A_7C15
        return Reading(sensor: Int64(hash >> 54), value: Int64((hash >> 20) & 0xFFFF), time: seq)
    }

    /// The first map: value × 3 + 1 into a new struct.
    @inline(__always)
    static func scale(_ reading: Reading) -> Scaled {
        Scaled(sensor: reading.sensor, value: reading.value &* 3 &+ 1, time: reading.time)
    }

    /// The filter: drops sensors divisible by 4 (about 1/4 of the records).
    @inline(__always)
    static func keep(_ scaled: Scaled) -> Bool {
        scaled.sensor % 4 != 0
    }

    /// A record's event time in milliseconds, for the variants with a timestamp-assigning map
    /// after the first map: its `time`.
    @inline(__always)
    static func eventTime(_ scaled: Scaled) -> Int64 {
        scaled.time
    }

    /// The second map: one Int64 per record.
    @inline(__always)
    static func digest(_ scaled: Scaled) -> Int64 {
        (scaled.value &* 31 &+ scaled.time) ^ scaled.sensor
    }
}

/// What a run of the pipeline produced: records that reached the end, and their checksum.
struct Outcome: Equatable, Sendable, CustomStringConvertible {
    var count: Int
    var checksum: Int64

    var description: String { "\(count) records, checksum \(checksum)" }
}

/// Hides a value from the optimizer, so a record count is not a compile-time constant.
@inline(never)
func opaque<T>(_ value: T) -> T { value }
