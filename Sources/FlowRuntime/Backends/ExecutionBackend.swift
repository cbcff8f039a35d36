public import FlowGraph

/// Runs the tasks of a physical plan.
///
/// A backend decides how task instances share threads; channels between them follow the
/// credit protocol whatever the backend. One backend ships now, ``SyncBackend``.
public protocol ExecutionBackend: Sendable {
    /// Runs `plan` until every task finished, a task failed or `cancellation` was set.
    ///
    /// - Throws: ``FlowCore/FlowError``: the first task failure (its root cause), or `.cancelled`.
    func execute(_ plan: PhysicalPlan, registry: MetricsRegistry, cancellation: CancellationFlag) async throws
}
