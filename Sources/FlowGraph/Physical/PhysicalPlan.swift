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

    public init(id: Int, stages: [PlannedStage], head: TaskHead, pieces: [BodyPiece], tail: TaskTail,
                parallelism: Int, maxParallelism: Int, backend: BackendKind, backendIsUserSet: Bool = false) {
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

/// How the runtime moves records: batch size, flush timeout and the credit window of each bridge.
///
/// The planner rejects a value outside its range (see the fields, and
/// `ExecutionConfiguration+Limits.swift`) with `.invalidConfiguration` when the job is created.
public struct ExecutionConfiguration: Sendable, Hashable {
    /// Records per batch: a batch is sent when it holds this many records, when it is older than
    /// ``flushTimeout``, or when its task runs out of input. Default 1024; 1...1,048,576 (2^20,
    /// ``batchSizeRange``).
    public var batchSize: Int
    /// The longest a record waits in a partly filled output batch while its task stays busy.
    /// Default 1 ms: a trickle of records is not held back, and under load batches fill first.
    /// Positive and at most 1 hour (``maximumFlushTimeout``).
    public var flushTimeout: Duration
    /// Elements (batches or control elements) a bridge holds in flight: the credits its receiver
    /// grants. Default 4; 1...4096 (``channelCreditsRange``).
    public var channelCredits: Int
    /// Bytes of records a bridge holds in flight at most: each of its ``channelCredits`` batches
    /// closes at `channelByteBudget / channelCredits` bytes if it reaches that before
    /// ``batchSize`` records (a single record larger than that share travels alone). Records are
    /// measured by `ByteSized` where they conform, by their stride otherwise. A task also keeps what
    /// one of its steps made until it has credit to send it, and each step is paced to make about
    /// one batch's share. Default 16 MiB, so records up to 4 KiB travel in full batches of 1024;
    /// 1 byte (every batch then holds one record) to 2^40 (``channelByteBudgetRange``).
    public var channelByteBudget: Int
    /// Parallelism of stages that set none. Default 1; 1...32768 (``parallelismRange``) and at
    /// most ``defaultMaxParallelism``.
    public var defaultParallelism: Int
    /// Key groups of stages that set none. Default ``KeyGroup/defaultMaxParallelism`` (128);
    /// 1...32768 (``maxParallelismRange``).
    public var defaultMaxParallelism: Int
    /// Whether pure stages are fused into their upstream task. Default `true`.
    public var fusionEnabled: Bool
    /// The backend of tasks whose stages chose none. Default ``BackendKind/sync``; running a job
    /// on a backend (`job.run(on: .dispatch)`) moves these tasks there.
    public var backend: BackendKind

    public init(batchSize: Int = 1024, flushTimeout: Duration = .milliseconds(1), channelCredits: Int = 4,
                channelByteBudget: Int = 16 << 20,
                defaultParallelism: Int = 1, defaultMaxParallelism: Int = KeyGroup.defaultMaxParallelism,
                fusionEnabled: Bool = true, backend: BackendKind = .sync) {
        self.batchSize = batchSize
        self.flushTimeout = flushTimeout
        self.backend = backend
        self.channelCredits = channelCredits
        self.channelByteBudget = channelByteBudget
        self.defaultParallelism = defaultParallelism
        self.defaultMaxParallelism = defaultMaxParallelism
        self.fusionEnabled = fusionEnabled
    }
}

extension ExecutionConfiguration {
    /// The most bytes one batch on a bridge holds: `channelByteBudget / channelCredits`, at least 1.
    public var batchByteLimit: Int { Swift.max(1, channelByteBudget / Swift.max(1, channelCredits)) }
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

    public init(jobName: String, tasks: [PhysicalTask], edges: [PhysicalEdge], configuration: ExecutionConfiguration,
                warnings: [PlanWarning] = []) {
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
