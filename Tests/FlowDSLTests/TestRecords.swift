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
