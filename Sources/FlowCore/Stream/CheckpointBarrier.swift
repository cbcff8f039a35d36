/// The marker that cuts a stream into "before checkpoint n" and "after checkpoint n".
///
/// Sources inject barrier *n*; a task with several inputs aligns them, snapshots its state,
/// forwards the barrier and acknowledges (Chandy–Lamport for DAGs). The runtime forwards
/// barriers in order between batches; snapshotting arrives with the checkpoint issue.
public struct CheckpointBarrier: Hashable, Sendable, CustomStringConvertible {
    /// How a checkpoint treats in-flight data.
    public enum Mode: String, Hashable, Sendable {
        /// Aligned barriers: exactly-once state.
        case exactlyOnce
        /// No alignment: state may include records after the barrier.
        case atLeastOnce
        /// Barriers overtake in-flight data, which is stored with the checkpoint.
        case unaligned
    }

    /// The checkpoint this barrier belongs to; increases by one per checkpoint.
    public var checkpointID: Int64
    /// Wall-clock milliseconds at which the coordinator triggered the checkpoint.
    public var triggeredAt: Int64
    /// How the checkpoint treats in-flight data.
    public var mode: Mode

    public init(checkpointID: Int64, triggeredAt: Int64, mode: Mode = .exactlyOnce) {
        self.checkpointID = checkpointID
        self.triggeredAt = triggeredAt
        self.mode = mode
    }

    public var description: String { "Barrier(\(checkpointID), \(mode.rawValue))" }
}
