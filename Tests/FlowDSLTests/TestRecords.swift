import Flow

/// A small record for tests.
struct Reading: Sendable, Hashable, CustomStringConvertible {
    var sensor: Int
    var value: Int

    var description: String { "Reading(\(sensor), \(value))" }
}

struct TestFailure: Error, Equatable, CustomStringConvertible {
    var reason: String
    var description: String { "TestFailure(\(reason))" }
}

func readings(_ count: Int, sensors: Int = 5) -> [Reading] {
    (0..<count).map { Reading(sensor: $0 % sensors, value: $0) }
}

/// An `AsyncStream` that has buffered `values` and finished: a source of known, finite input.
func finishedStream(_ values: some Sequence<Int>) -> AsyncStream<Int> {
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    for value in values { continuation.yield(value) }
    continuation.finish()
    return stream
}

/// A reader of `0..<count` that makes one record per read and answers `.idle(until: nil)` after
/// each (as an AsyncSequence source may when its buffer holds one element), though every record
/// is at hand: a task that backs off after such a read holds it to one record per back-off.
struct OneRecordPerRead: SourceReader {
    let count: Int
    var next = 0

    mutating func readImmediately(into batch: inout Batch<Int>, maxCount: Int) throws -> SourceStatus? {
        guard next < count else { return .finished }
        batch.append(next)
        next += 1
        return .idle(until: nil)
    }

    mutating func read(into batch: inout Batch<Int>, maxCount: Int) async throws -> SourceStatus {
        try readImmediately(into: &batch, maxCount: maxCount)!
    }
}
