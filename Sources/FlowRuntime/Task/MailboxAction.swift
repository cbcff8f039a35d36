/// A control action posted to a running task instance's mailbox: the task handles it between
/// steps, before its due timers and its input.
public enum MailboxAction: Hashable, Sendable, CustomStringConvertible {
    /// Take checkpoint `id`: a source task stores its readers' positions and sends the
    /// checkpoint's barrier downstream (other tasks take their snapshot when the barrier reaches
    /// them, aligned by their input gate, and ignore this action).
    case triggerCheckpoint(Int64)
    /// Checkpoint `id` is complete: every operator, source and sink of the task is told (a
    /// two-phase-commit sink commits).
    case checkpointComplete(Int64)
    /// Checkpoint `id` was aborted: every operator and source of the task is told (a sink's
    /// pre-committed transaction waits for the next completed checkpoint, which commits it).
    case checkpointAborted(Int64)
    /// End the task's source now, as if its input were exhausted: the final watermark and the end
    /// of input follow the records read so far, so every stage after it finishes and every sink
    /// finishes its output (Flink's `stop --drain`). A task without a source, or whose source has
    /// ended, ignores it.
    case endInput

    public var description: String {
        switch self {
        case .endInput: "end input"
        case .triggerCheckpoint(let id): "trigger checkpoint \(id)"
        case .checkpointComplete(let id): "checkpoint \(id) complete"
        case .checkpointAborted(let id): "checkpoint \(id) aborted"
        }
    }
}
