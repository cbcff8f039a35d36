/// A marker a source emits periodically to measure how long elements take to reach each task.
public struct LatencyMarker: Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds on the emitting process's monotonic clock when the source emitted the marker.
    public var emittedAtNanoseconds: UInt64
    /// The stable id of the source operator that emitted it.
    public var sourceID: String
    /// The subtask of that source.
    public var subtask: Int

    public init(emittedAtNanoseconds: UInt64, sourceID: String, subtask: Int) {
        self.emittedAtNanoseconds = emittedAtNanoseconds
        self.sourceID = sourceID
        self.subtask = subtask
    }

    public var description: String { "LatencyMarker(\(sourceID)#\(subtask))" }
}
