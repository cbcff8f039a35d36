/// A point in event time: milliseconds since the Unix epoch.
///
/// Records carry an `EventTime` beside them in a ``Batch``. A record that was never given a
/// timestamp carries ``unassigned``. The value is a plain `Int64` in a struct, so it costs nothing
/// over the raw number on the per-record path.
@frozen
public struct EventTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    /// Creates an event time from milliseconds since the epoch.
    @inlinable
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// The timestamp of a record that was never assigned one (`Int64.min`).
    ///
    /// A computed constant, not a stored global: it folds into the caller, where a global would
    /// cost a lazy-initialization check on every per-record use.
    @inlinable
    public static var unassigned: EventTime { EventTime(milliseconds: .min) }

    /// The largest event time; a watermark at this time means "no more records".
    @inlinable
    public static var maximum: EventTime { EventTime(milliseconds: .max) }

    /// Whether a timestamp was assigned.
    @inlinable
    public var isAssigned: Bool { milliseconds != .min }

    @inlinable
    public static func < (lhs: EventTime, rhs: EventTime) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    public var description: String {
        switch self {
        case .unassigned: "unassigned"
        case .maximum: "max"
        default: "\(milliseconds)ms"
        }
    }
}
