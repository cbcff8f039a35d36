import FlowCore
public import FlowGraph

/// The outcome of a job that ran to the end of its input.
public struct JobResult: Sendable, CustomStringConvertible {
    /// The job's name.
    public var jobName: String
    /// Records in and out of every stage.
    public var metrics: JobMetrics
    /// Wall-clock time from start to end.
    public var duration: Duration

    public var description: String { "Job '\(jobName)' finished in \(duration)\n\(metrics)" }
}

/// One run of a plan on a backend: the runtime's entry point.
///
/// ## Concurrency
/// `Sendable`: ``metrics()`` and ``cancel()`` may be called from any thread while ``run()`` runs.
public final class JobExecution: Sendable {
    /// The plan being run.
    public let plan: PhysicalPlan
    private let backend: any ExecutionBackend
    private let registry: MetricsRegistry
    private let cancellation = CancellationFlag()

    public init(plan: PhysicalPlan, backend: any ExecutionBackend = SyncBackend()) {
        self.plan = plan
        self.backend = backend
        registry = MetricsRegistry(plan: plan)
    }

    /// Runs the plan to completion.
    ///
    /// - Throws: ``FlowError``: the failing stage with its root cause, or `.cancelled`.
    public func run() async throws -> JobResult {
        let clock = ContinuousClock()
        let start = clock.now
        try await backend.execute(plan, registry: registry, cancellation: cancellation)
        return JobResult(jobName: plan.jobName, metrics: registry.snapshot(), duration: clock.now - start)
    }

    /// Asks the run to stop; ``run()`` then throws `.cancelled`.
    public func cancel() { cancellation.cancel() }

    /// Counts so far.
    public func metrics() -> JobMetrics { registry.snapshot() }
}
