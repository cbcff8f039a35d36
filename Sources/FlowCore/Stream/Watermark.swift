/// A promise that no record with an event time at or before ``time`` will follow on this channel.
///
/// A task's watermark is the minimum over its active input channels and only moves forward.
@frozen
public struct Watermark: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Every record at or before this time has been seen.
    public var time: EventTime

    @inlinable
    public init(_ time: EventTime) {
        self.time = time
    }

    /// The watermark that ends event time: sent when a bounded input is exhausted.
    @inlinable
    public static var maximum: Watermark { Watermark(.maximum) }

    @inlinable
    public static func < (lhs: Watermark, rhs: Watermark) -> Bool { lhs.time < rhs.time }

    public var description: String { "Watermark(\(time))" }
}
