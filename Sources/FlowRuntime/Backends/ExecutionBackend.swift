public import FlowCore

/// Where a job's tasks run, unless a stage chose otherwise (`.backend(_:)`): one of
/// ``SyncBackend``, ``DispatchBackend``, ``ActorBackend``.
///
/// One job may mix all three: each task runs on the backend the plan placed it on, and the
/// bridges between tasks speak the same credit protocol whatever backends they join. The value
/// passed to `job.run(on:)` names the backend of the tasks without a choice, and carries the
/// settings of its kind; tasks on other kinds use those kinds' defaults.
///
/// ```swift
/// try await job.run(on: .dispatch)
/// try await job.run(on: .sync(seed: 42))   // the schedule controller
/// ```
public protocol ExecutionBackend: Sendable {
    /// The kind of backend.
    var kind: BackendKind { get }
}

extension BackendKind {
    /// This kind's backend with its default settings (an unknown kind gets the sync backend;
    /// the planner rejects unknown kinds before a job runs).
    public var defaultBackend: any ExecutionBackend {
        switch self {
        case .dispatch: DispatchBackend()
        case .actor: ActorBackend()
        default: SyncBackend()
        }
    }
}

extension ExecutionBackend where Self == SyncBackend {
    /// Every task on the caller's task, round robin: deterministic.
    public static var sync: SyncBackend { SyncBackend() }

    /// The schedule controller: tasks interleaved pseudo-randomly from `seed`; the same seed
    /// gives the same interleaving. Steps are written to `trace`, if given.
    public static func sync(seed: UInt64, trace: ScheduleTrace? = nil) -> SyncBackend {
        SyncBackend(seed: seed, trace: trace)
    }
}

extension ExecutionBackend where Self == DispatchBackend {
    /// Every task instance on a thread of its own.
    public static var dispatch: DispatchBackend { DispatchBackend() }
}

extension ExecutionBackend where Self == ActorBackend {
    /// Every task instance a task on Swift concurrency.
    public static var actor: ActorBackend { ActorBackend() }
}
