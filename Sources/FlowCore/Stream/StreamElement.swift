/// What travels on a channel between two tasks: batches of records, and control elements
/// between them, never inside one. A stream is `batch* (control batch*)*` and ends with
/// ``ControlElement/endOfInput``.
public enum StreamElement<Element> {
    /// Records, in order.
    case batch(Batch<Element>)
    /// A control element, ordered with respect to the batches around it.
    case control(ControlElement)
}

extension StreamElement: Sendable where Element: Sendable {}

/// The control elements that travel between batches.
public enum ControlElement: Hashable, Sendable, CustomStringConvertible {
    /// Event time has advanced on this channel.
    case watermark(Watermark)
    /// The channel's producer became idle (its watermark stops holding event time back) or active again.
    case watermarkStatus(WatermarkStatus)
    /// A checkpoint barrier.
    case barrier(CheckpointBarrier)
    /// Checkpoint `id` was abandoned upstream: a task aligning it releases its channels and passes
    /// this on once instead of the barrier.
    case cancelCheckpoint(Int64)
    /// A latency marker.
    case latencyMarker(LatencyMarker)
    /// The channel's producer has finished; nothing follows.
    case endOfInput

    public var description: String {
        switch self {
        case .watermark(let watermark): watermark.description
        case .watermarkStatus(let status): status.description
        case .barrier(let barrier): barrier.description
        case .cancelCheckpoint(let id): "CancelCheckpoint(\(id))"
        case .latencyMarker(let marker): marker.description
        case .endOfInput: "EndOfInput"
        }
    }
}
