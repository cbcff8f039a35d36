// The records of the latency run and the stages they pass through.
//
//   generator (1M/s, stamps `created`) → scale (Map) ─hash(key)─► running-sum (Reduce) → latency sink
//
// Record n: key = a multiplicative hash of n in 0..<1024, value = n & 0xFFFF, and `created`: the
// nanoseconds from `clockOrigin` to the moment the generator made it. The running sum keeps the
// newest record's `created`, so the sink sees when the record that produced each output was made.
import Flow

/// The instant every `created` stamp counts from (one per process).
let clockOrigin = ContinuousClock.now

/// Nanoseconds from ``clockOrigin`` to now.
@inline(__always)
func nanosSinceOrigin() -> Int64 {
    let (seconds, attoseconds) = (ContinuousClock.now - clockOrigin).components
    return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
}

/// A record that carries the instant it was made (32 bytes, trivial).
struct Stamped: Sendable {
    var key: Int64
    var value: Int64
    /// Nanoseconds from ``clockOrigin`` to when the generator made the record.
    var created: Int64
    var sequence: Int64
}

/// Makes record n and stamps it with the current instant.
struct StampedGenerator: GeneratorFunction {
    func make(_ sequenceNumber: Int64) -> Stamped {
        Stamped(key: Workload.key(sequenceNumber), value: sequenceNumber & 0xFFFF, created: nanosSinceOrigin(),
                sequence: sequenceNumber)
    }
}

/// The stage functions, shared by the job and the oracle.
enum Workload {
    /// Keys per run.
    static let keyCount = 1024

    @inline(__always)
    static func key(_ n: Int64) -> Int64 {
        Int64(bitPattern: (UInt64(bitPattern: n) &* 0x9E37_79B9_7F4A_7C15) >> 54)
    }

    /// The map stage: value × 3 + 1.
    @inline(__always)
    static func scale(_ record: Stamped) -> Stamped {
        Stamped(key: record.key, value: record.value &* 3 &+ 1, created: record.created, sequence: record.sequence)
    }

    /// The reduce stage: adds the values, keeps the newest record's stamp and number.
    @inline(__always)
    static func add(_ sum: Stamped, _ record: Stamped) -> Stamped {
        Stamped(key: record.key, value: sum.value &+ record.value, created: record.created, sequence: record.sequence)
    }

    /// Every key's final running sum over records 0..<n, without Flow: the oracle.
    static func finalSums(records n: Int64) -> [Int64] {
        var sums = [Int64](repeating: 0, count: keyCount)
        for seq in 0..<n {
            sums[Int(key(seq))] &+= (seq & 0xFFFF) &* 3 &+ 1
        }
        return sums
    }
}
