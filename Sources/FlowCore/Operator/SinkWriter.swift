/// One parallel instance of a sink: it consumes batches at the end of a pipeline.
///
/// ## Concurrency
/// An instance is confined to its task. `write` may suspend (an I/O sink waiting for its
/// consumer); the task does not read more input meanwhile, which is how backpressure reaches
/// the sources.
public protocol SinkWriter<Input>: SendableMetatype {
    /// The type of the records consumed.
    associatedtype Input: Sendable

    /// Called once before the first write. A writer whose `open` was called is closed, even if
    /// `open` threw (see ``close()``).
    mutating func open(context: OperatorContext) async throws

    /// Consumes every record of `batch` and empties it (keeping its capacity).
    ///
    /// - Complexity: O(batch.count).
    mutating func write(_ batch: inout Batch<Input>) async throws

    /// Writes like ``write(_:)`` if it can without suspending, and says whether it did; a writer
    /// that would have to suspend returns `false` having consumed nothing, and ``write(_:)`` is
    /// called instead. Sinks that never wait (collect, discard, print, an `AsyncStream`) implement
    /// it, which spares the task an async call per batch. The default returns `false`.
    ///
    /// - Complexity: O(batch.count) when it writes, O(1) otherwise.
    mutating func writeImmediately(_ batch: inout Batch<Input>) throws -> Bool

    /// Called when event time advances on the sink's input.
    mutating func processWatermark(_ watermark: Watermark) async throws

    /// A checkpoint's barrier arrived: make everything written so far durable and ready to commit
    /// (flush it, close the open transaction, stage a part file), and start a new transaction for
    /// what follows. What was pre-committed becomes visible only with ``commit(checkpoint:)``.
    /// A sink without transactions (the default) does nothing: it is at-least-once.
    mutating func preCommit(checkpoint id: Int64) async throws

    /// Checkpoint `id` is complete: make visible everything pre-committed up to it (the
    /// transactions of `id` and of earlier checkpoints that were aborted). Must be idempotent: it
    /// may be retried after a restart.
    mutating func commit(checkpoint id: Int64) async throws

    /// Discards what was pre-committed for checkpoint `id`: the job resumes from an earlier
    /// checkpoint, so those records will be written again. A checkpoint that is merely aborted
    /// while the job runs on is not a reason to call it: its transaction stays pending and the
    /// next ``commit(checkpoint:)`` commits it (Flink's two-phase-commit sink). What was written
    /// and not pre-committed when the job fails is discarded in ``close()``.
    mutating func abort(checkpoint id: Int64) async

    /// Called once after the last batch, when the input ended (not when the job failed).
    mutating func finish() async throws

    /// Called once when the job stops for any reason (after ``finish()`` on success, alone on
    /// failure or cancellation): release resources, end streams.
    ///
    /// `close()` is called exactly once for every writer whose ``open(context:)`` was called,
    /// whether `open` returned or threw, and never for one whose `open` was not called (a writer
    /// of a task instance that was not opened because something opened before it failed).
    mutating func close() async
}

extension SinkWriter {
    public mutating func open(context: OperatorContext) async throws {}
    public mutating func processWatermark(_ watermark: Watermark) async throws {}
    public mutating func finish() async throws {}
    public mutating func close() async {}
    public mutating func preCommit(checkpoint id: Int64) async throws {}
    public mutating func commit(checkpoint id: Int64) async throws {}
    public mutating func abort(checkpoint id: Int64) async {}
    public mutating func writeImmediately(_ batch: inout Batch<Input>) throws -> Bool { false }
}
