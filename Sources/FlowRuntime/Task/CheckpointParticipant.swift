/// A part of a task that takes part in checkpoints: an operator node, the sink, the source head.
/// The task tells each, in order, when a checkpoint completes or is aborted.
protocol CheckpointParticipant: AnyObject {
    /// Checkpoint `id` is complete.
    func checkpointComplete(_ id: Int64) async throws
    /// Checkpoint `id` was aborted.
    func checkpointAborted(_ id: Int64) async
}

/// An operator node whose operator may hold processing-time timers.
protocol ProcessingTimerNode: AnyObject {
    /// When its earliest processing-time timer is due, in milliseconds.
    var nextProcessingTimer: Int64? { get }
    /// Fires a chunk of its processing-time timers due at `now`, passing their output on.
    func fireProcessingTimers(dueAt now: Int64) async throws
    /// Whether an event-time sweep is in progress (the task steps it before taking input).
    var isSweeping: Bool { get }
    /// Fires the next chunk of the sweep in progress.
    func continueSweep() async throws
}
