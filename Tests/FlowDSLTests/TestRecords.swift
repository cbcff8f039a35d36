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
