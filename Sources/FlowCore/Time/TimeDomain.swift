/// Which clock a timer follows.
public enum TimeDomain: Hashable, Sendable, CustomStringConvertible {
    /// The event-time clock: the task's watermark. A timer fires when the watermark reaches it.
    case eventTime
    /// The processing-time clock: the task's injectable wall clock. A timer fires when the clock
    /// reaches it.
    case processingTime

    public var description: String {
        switch self {
        case .eventTime: "eventTime"
        case .processingTime: "processingTime"
        }
    }
}
