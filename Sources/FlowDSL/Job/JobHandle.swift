public import FlowRuntime

/// A job running in the background, from ``Job/start(on:)``: stop it gracefully (``stop()``) or at
/// once (``cancel()``), and await its ``result``.
///
/// ## Concurrency
/// `Sendable`: any task may cancel the job, read its metrics or await its result. The handle owns
/// the one task that runs the job; dropping the handle does not stop the job — call ``cancel()``.
public final class JobHandle: Sendable {
    private let execution: JobExecution
    private let task: Task<JobResult, any Error>

    init(execution: JobExecution) {
        self.execution = execution
        // Unstructured by design: the job runs in the background, owned by this handle, which
        // cancels it (``cancel()``), stops it (``stop()``) or awaits it (``result``); the run
        // itself ends every thread and task it started before it returns.
        task = Task { try await execution.run() }
    }

    /// Stops the job gracefully: its sources end after the records they have read, the job drains
    /// what is in flight, every sink finishes its output, and ``result`` returns the counts
    /// (Flink's `stop --drain`). For a job that must stop at once, ``cancel()``.
    public func stop() {
        execution.stop()
    }

    /// Asks the job to stop at once; ``result`` then throws `.cancelled` (unless the job had finished).
    public func cancel() {
        execution.cancel()
        task.cancel()
    }

    /// Waits for the job to end and returns its result.
    ///
    /// - Throws: ``FlowCore/FlowError``: the failing stage with the root cause, or `.cancelled`.
    public var result: JobResult {
        get async throws { try await task.value }
    }

    /// Counts of every stage so far (summed over parallel instances).
    public func metrics() -> JobMetrics { execution.metrics() }

    /// Runner threads and tasks started and ended so far (test hook).
    package var runnerReport: RunnerReport { execution.runnerReport }
}
