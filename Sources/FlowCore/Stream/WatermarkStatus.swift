/// Whether a channel's producer currently holds event time back.
///
/// A source split with no data for a while marks itself ``idle``: its channels stop holding back
/// the watermark of the tasks they feed, so event time still advances on the others. It sends
/// ``active`` before it emits records or watermarks again. A task forwards ``idle`` only when
/// every one of its active input channels became idle, and ``active`` when one of them becomes
/// active again (as Flink's `StatusWatermarkValve`).
@frozen
public enum WatermarkStatus: Hashable, Sendable, CustomStringConvertible {
    /// The producer emits records and watermarks: its watermark counts in the minimum.
    case active
    /// The producer has nothing for now: its watermark does not hold the minimum back.
    case idle

    public var description: String {
        switch self {
        case .active: "WatermarkStatus(active)"
        case .idle: "WatermarkStatus(idle)"
        }
    }
}
