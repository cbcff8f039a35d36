public import FlowCore

/// One logical stage as placed in a task.
public struct PlannedStage: Sendable, Hashable {
    /// The logical node.
    public var node: NodeID
    /// The stage's kind ("Map", "Source", …).
    public var kind: String
    /// The stage's display name.
    public var name: String
    /// The stage's stable operator id (the user's, or derived from its place in the graph).
    public var uid: String
    /// Whether the uid was set by the user.
    public var uidIsUserSet: Bool

    public init(node: NodeID, kind: String, name: String, uid: String, uidIsUserSet: Bool) {
        self.node = node
        self.kind = kind
        self.name = name
        self.uid = uid
        self.uidIsUserSet = uidIsUserSet
    }
}

/// Where a task's records come from.
public enum TaskHead: Sendable {
    /// The task runs a source.
    case source(any SourceFactory)
    /// The task reads its input edges.
    case input
}

/// Where a task's records go.
public enum TaskTail: Sendable {
    /// The task ends in a sink.
    case sink(any SinkFactory)
    /// The task writes to its output edges.
    case output
}

/// A piece of a task's body: one body covering `stageCount` consecutive transform stages.
public struct BodyPiece: Sendable {
    /// The body.
    public var body: any TransformFactory
    /// Whether the body is a chain composed at compile time (one specialized loop).
    public var isStaticChain: Bool

    public init(body: any TransformFactory, isStaticChain: Bool) {
        self.body = body
        self.isStaticChain = isStaticChain
    }
}

/// A unit of scheduling: a fused run of stages that runs as one loop, at one parallelism, on
/// one backend.
public struct PhysicalTask: Sendable {
    /// The task's index in ``PhysicalPlan/tasks``.
    public var id: Int
    /// Every stage in the task, head to tail (source and sink included).
    public var stages: [PlannedStage]
    /// Where records come from.
    public var head: TaskHead
    /// The transform stages' bodies, in order; together they cover the stages between head and tail.
    public var pieces: [BodyPiece]
    /// Where records go.
    public var tail: TaskTail
    /// How many instances run.
    public var parallelism: Int
    /// The number of key groups.
    public var maxParallelism: Int
    /// The backend that runs the task.
    public var backend: BackendKind
    /// Whether a stage of the task chose ``backend`` (`.backend(_:)`); otherwise the task runs
    /// wherever the job runs.
    public var backendIsUserSet: Bool

    public init(
        id: Int, stages: [PlannedStage], head: TaskHead, pieces: [BodyPiece], tail: TaskTail,
        parallelism: Int, maxParallelism: Int, backend: BackendKind, backendIsUserSet: Bool = false
    ) {
        self.id = id
        self.stages = stages
        self.head = head
        self.pieces = pieces
        self.tail = tail
        self.parallelism = parallelism
        self.maxParallelism = maxParallelism
        self.backend = backend
        self.backendIsUserSet = backendIsUserSet
    }

    /// The stages' names joined by arrows: "Source 'lines' → FlatMap → Map".
    public var name: String { stages.map(\.name).joined(separator: " → ") }

    /// Whether the task fuses more than one stage.
    public var isFused: Bool { stages.count > 1 }

    /// The number of stages the task's source runs: 0 without a source, 1 for a plain source,
    /// more for a source fused with the pure stages after it.
    public var sourceStageCount: Int {
        if case .source(let factory) = head { return factory.stageCount }
        return 0
    }

    /// The number of loops the task's records go through: its body pieces, and a source fused
    /// with the stages after it counted as one more.
    public var loopCount: Int { pieces.count + (sourceStageCount > 1 ? 1 : 0) }
}

/// A connection between two tasks.
public struct PhysicalEdge: Sendable {
    /// The sending task.
    public var from: Int
    /// The receiving task.
    public var to: Int
    /// How records are spread over the receiving instances.
    public var partitioning: Partitioning
    /// The side output of the sending task's last stage the edge carries, or `nil` for its main output.
    public var sideOutput: AnySideOutput?

    public init(from: Int, to: Int, partitioning: Partitioning, sideOutput: AnySideOutput? = nil) {
        self.from = from
        self.to = to
        self.partitioning = partitioning
        self.sideOutput = sideOutput
    }
}

/// The plan the runtime executes: tasks, edges and how records move.
///
/// A worker runs a `PhysicalPlan`, never a DSL. The plan holds the job's code (its factories), so
/// it stays in its process; what travels to a worker is its ``descriptor``, which the worker binds
/// to the ``PlanRegistry`` of the job it built from the same code (``init(_:boundTo:)``).
public struct PhysicalPlan: Sendable {
    /// The job's name.
    public var jobName: String
    /// The tasks, in topological order (every edge goes from a lower to a higher index).
    public var tasks: [PhysicalTask]
    /// The edges between tasks.
    public var edges: [PhysicalEdge]
    /// How records move.
    public var configuration: ExecutionConfiguration
    /// What the planner accepted but the user should know (a stateful stage without a uid).
    public var warnings: [PlanWarning]
    /// The job's code by the keys ``descriptor`` names it with, for binding a descriptor from
    /// another process (``init(_:boundTo:)``); set by the planner, `nil` for a plan built by hand.
    public var registry: PlanRegistry?

    public init(
        jobName: String, tasks: [PhysicalTask], edges: [PhysicalEdge], configuration: ExecutionConfiguration,
        warnings: [PlanWarning] = []
    ) {
        self.jobName = jobName
        self.tasks = tasks
        self.edges = edges
        self.configuration = configuration
        self.warnings = warnings
    }

    /// Edges into task `id`.
    public func inputs(of id: Int) -> [PhysicalEdge] { edges.filter { $0.to == id } }

    /// Edges out of task `id`.
    public func outputs(of id: Int) -> [PhysicalEdge] { edges.filter { $0.from == id } }

    /// The plan with every task that chose no backend moved to `backend` (and the
    /// configuration's ``ExecutionConfiguration/backend`` set to it).
    public func placed(on backend: BackendKind) -> PhysicalPlan {
        var plan = self
        plan.configuration.backend = backend
        for index in plan.tasks.indices where !plan.tasks[index].backendIsUserSet {
            plan.tasks[index].backend = backend
        }
        return plan
    }
}
