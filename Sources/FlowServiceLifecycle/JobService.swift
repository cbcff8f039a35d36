public import Flow
public import Logging
public import ServiceLifecycle

/// A job as a swift-service-lifecycle `Service`, to run in a `ServiceGroup` beside an app's other
/// services: the group's graceful shutdown (on SIGTERM or SIGINT, if the group is configured so)
/// stops the job with drain — its sources end after what they have read, the job finishes what is
/// in flight and every sink finishes its output — and cancellation stops it at once.
///
/// ```swift
/// let group = ServiceGroup(
///     services: [JobService(job, on: .dispatch, logger: logger)],
///     gracefulShutdownSignals: [.sigterm, .sigint],
///     logger: logger
/// )
/// try await group.run()
/// ```
///
/// `run()` returns when the job ends: when its input ends, or after a graceful shutdown. A job
/// that ends on its own ends the group too, unless the group is told otherwise
/// (`ServiceGroupConfiguration.ServiceConfiguration.successTerminationBehavior`). A job that fails
/// throws its ``FlowError``, which the group reports and shuts down on.
public struct JobService: Service {
    /// The job.
    public let job: Job
    private let backend: any ExecutionBackend
    private let logger: Logger
    /// Called with the job's handle once it started (for an app that watches its metrics).
    private let started: @Sendable (JobHandle) -> Void

    /// A service that runs `job` on `backend`, logging to `logger`.
    public init(_ job: Job, on backend: some ExecutionBackend, logger: Logger, started: @escaping @Sendable (JobHandle) -> Void = { _ in }) {
        self.job = job
        self.backend = backend
        self.logger = logger
        self.started = started
    }

    /// Runs the job until its input ends, or until a graceful shutdown has drained it.
    ///
    /// - Throws: ``FlowError``: the failing stage with the root cause, or `.cancelled` if the
    ///   service's task was cancelled.
    public func run() async throws {
        let handle = job.start(on: backend, logger: logger)
        started(handle)
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                _ = try await handle.result
            } onGracefulShutdown: {
                logger.notice("graceful shutdown: stopping the job with drain")
                handle.stop()
            }
        } onCancel: {
            handle.cancel()
        }
    }
}
