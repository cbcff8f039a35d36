/// How a stage is named, identified and run: what the DSL's modifiers set.
public struct StageAttributes: Sendable, Hashable {
    /// The kind of stage ("Map", "Filter", "Source", …): shown by `explain()`.
    public var kind: String
    /// The display name; defaults to the kind.
    public var name: String?
    /// The user's stable operator id. Savepoints and cluster deployment find state by this id,
    /// so set it on every stateful stage of a job that must survive code changes.
    public var uid: String?
    /// How many parallel instances run; `nil` takes the job's default.
    public var parallelism: Int?
    /// The number of key groups (upper bound of the parallelism); `nil` takes the job's default.
    public var maxParallelism: Int?
    /// Whether the planner may fuse this stage with its upstream (`true` by default).
    public var chainingAllowed: Bool
    /// The backend the stage's task should run on; `nil` takes the backend the job runs on.
    /// Stages with different hints are never fused into one task.
    public var backend: BackendKind?

    public init(
        kind: String, name: String? = nil, uid: String? = nil, parallelism: Int? = nil,
        maxParallelism: Int? = nil, chainingAllowed: Bool = true, backend: BackendKind? = nil
    ) {
        self.kind = kind
        self.name = name
        self.uid = uid
        self.parallelism = parallelism
        self.maxParallelism = maxParallelism
        self.chainingAllowed = chainingAllowed
        self.backend = backend
    }

    /// The name shown to users: ``name`` or else ``kind``.
    public var displayName: String { name ?? kind }
}

/// A stage whose attributes the DSL's modifiers (`.name`, `.uid`, `.parallelism`, …) can set.
public protocol ConfigurableStage {
    /// The stage's attributes.
    var attributes: StageAttributes { get set }
}

extension ConfigurableStage {
    /// Names the stage (shown by `explain()`, metrics and errors).
    public func name(_ name: String) -> Self { with { $0.attributes.name = name } }
    /// Gives the stage a stable operator id, which savepoints and deployment rely on.
    public func uid(_ uid: String) -> Self { with { $0.attributes.uid = uid } }
    /// Sets how many parallel instances of the stage run.
    public func parallelism(_ parallelism: Int) -> Self { with { $0.attributes.parallelism = parallelism } }
    /// Sets the number of key groups for the stage.
    public func maxParallelism(_ maxParallelism: Int) -> Self { with { $0.attributes.maxParallelism = maxParallelism } }
    /// Sets how many parallel instances of the stage run (Flink's name for ``parallelism(_:)``).
    public func setParallelism(_ parallelism: Int) -> Self { self.parallelism(parallelism) }
    /// Sets the number of key groups for the stage (Flink's name for ``maxParallelism(_:)``).
    public func setMaxParallelism(_ maxParallelism: Int) -> Self { self.maxParallelism(maxParallelism) }
    /// Keeps the planner from fusing this stage with its upstream (Flink's `disableChaining`).
    public func disableChaining() -> Self { with { $0.attributes.chainingAllowed = false } }
    /// Places the stage's task on `backend` (`.sync`, `.dispatch` or `.actor`) instead of the
    /// backend the job runs on. The planner never fuses stages placed on different backends.
    public func backend(_ backend: BackendKind) -> Self { with { $0.attributes.backend = backend } }

    private func with(_ change: (inout Self) -> Void) -> Self {
        var copy = self
        change(&copy)
        return copy
    }
}
