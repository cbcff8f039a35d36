/// A part of a task as its loop sees it, whatever the part's record types: a ``StageNode``
/// running the task's source, one of its operators, or its sink. The task opens them, tells them
/// in order when a checkpoint completes or is aborted, steps their timers, awaits a sink's
/// suspended write, and closes them.
protocol TaskStage: AnyObject {
    /// Whether the part is the task's source (opened after everything else in the task).
    var isSource: Bool { get }
    /// Whether the part is the task's sink (whose writes may suspend).
    var isSink: Bool { get }
    /// Opens the part, resuming it from its share of a snapshot if the job resumes.
    func open() async throws
    /// Closes the part once, if it was opened.
    func close() async
    /// Checkpoint `id` is complete.
    func checkpointComplete(_ id: Int64) async throws
    /// Checkpoint `id` was aborted.
    func checkpointAborted(_ id: Int64) async

    /// Whether the part may hold timers.
    var hasTimers: Bool { get }
    /// When its earliest processing-time timer is due, in milliseconds.
    var nextProcessingTimer: Int64? { get }
    /// Fires a chunk of its processing-time timers due at `now`, passing their output on.
    func fireProcessingTimers(dueAt now: Int64) throws
    /// Whether an event-time sweep is in progress (the task steps it before taking input).
    var isSweeping: Bool { get }
    /// Fires the next chunk of the sweep in progress.
    func continueSweep() async throws

    /// Says whether a sink's write waits to be completed (a plain flag: the task reads it every step).
    var parking: Parking { get }
    /// Completes a sink's suspended write.
    func completeParked() async throws
}

/// Whether a sink node holds records whose write must suspend: set by the node, read by its task
/// once per step.
///
/// ## Concurrency
/// Confined to the task instance that owns the node.
final class Parking {
    var isParked = false
}
