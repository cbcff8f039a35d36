public import FlowCore

/// The code of one process's job, by the keys a ``PlanDescriptor`` names it with: every source,
/// transform and sink body of the job's graph (each stage alone, and every chain composed at
/// compile time), its partitioners and its side-output tags.
///
/// Every process that runs a job builds the job from the same code (the same binary), so each has
/// the same registry; a descriptor made by one process binds to the registry of another
/// (``PhysicalPlan/init(_:boundTo:)``). The planner makes it (``PhysicalPlan/registry``).
///
/// Keys name stages by uid: `source:<uid>` (or `source:<uid>+<uid>…` for a source fused with the
/// stages after it), `transform:<uid>` (or a `+`-joined run for a composed chain), `sink:<uid>`,
/// `partition:<sender uid>><receiver uid>` (with `#<tag>` on a side output's edge).
public struct PlanRegistry: Sendable {
    /// The job's name.
    public let jobName: String
    /// Every stage of the job, in graph order.
    public let stages: [PlanDescriptor.Stage]
    private var sources: [String: any SourceFactory] = [:]
    private var transforms: [String: any TransformFactory] = [:]
    private var sinks: [String: any SinkFactory] = [:]
    private var partitioners: [String: any PartitionerFactory] = [:]
    private var sideOutputs: [String: AnySideOutput] = [:]

    /// The registry of `graph`, whose stages have `uids` (indexed by node), listed in `order`.
    public init(graph: LogicalGraph, uids: [String], order: [NodeID]) {
        jobName = graph.name
        stages = order.map { id in
            let node = graph[id]
            return PlanDescriptor.Stage(
                uid: uids[id.rawValue], kind: node.attributes.kind, name: node.attributes.displayName,
                uidIsUserSet: node.attributes.uid != nil)
        }
        for node in graph.nodes {
            let uid = uids[node.id.rawValue]
            switch node.body {
            case .source(let factory): sources[Self.key("source", [uid])] = factory
            case .transform(let factory): transforms[Self.key("transform", [uid])] = factory
            case .sink(let factory): sinks[Self.key("sink", [uid])] = factory
            }
        }
        for segment in graph.segments {
            transforms[Self.key("transform", segment.nodes.map { uids[$0.rawValue] })] = segment.body
        }
        for segment in graph.sourceSegments {
            sources[Self.key("source", segment.nodes.map { uids[$0.rawValue] })] = segment.body
        }
        for edge in graph.edges {
            let key = Self.partitionerKey(sender: uids[edge.from.rawValue], receiver: uids[edge.to.rawValue], sideOutput: edge.sideOutput?.id)
            switch edge.partitioning {
            case .hash(let factory), .custom(let factory): partitioners[key] = factory
            case .forward, .rebalance, .broadcast: break
            }
            if let tag = edge.sideOutput { sideOutputs[Self.sideOutputKey(tag.id, tag.elementTypeQualifiedName)] = tag }
        }
    }

    static func key(_ role: String, _ uids: [String]) -> String { "\(role):\(uids.joined(separator: "+"))" }

    static func partitionerKey(sender: String, receiver: String, sideOutput: String?) -> String {
        "partition:\(sender)>\(receiver)" + (sideOutput.map { "#\($0)" } ?? "")
    }

    static func sideOutputKey(_ id: String, _ type: String) -> String { "\(id) \(type)" }

    func source(_ key: String) -> (any SourceFactory)? { sources[key] }
    func transform(_ key: String) -> (any TransformFactory)? { transforms[key] }
    func sink(_ key: String) -> (any SinkFactory)? { sinks[key] }
    func partitioner(_ key: String) -> (any PartitionerFactory)? { partitioners[key] }
    func sideOutput(_ id: String, type: String) -> AnySideOutput? { sideOutputs[Self.sideOutputKey(id, type)] }
}

extension AnySideOutput {
    /// The record type's module-qualified name, as a descriptor writes it.
    public var elementTypeQualifiedName: String { type.qualifiedElementTypeName }
}

extension SideOutputType {
    /// The record type's module-qualified name.
    public var qualifiedElementTypeName: String { flowQualifiedTypeName(Element.self) }
}

// MARK: - Plan ⇄ descriptor

extension PhysicalPlan {
    /// The plan as data, for a worker in another process (see ``PlanDescriptor``).
    public var descriptor: PlanDescriptor {
        var edges: [PlanDescriptor.Edge] = []
        for edge in self.edges {
            let sender = tasks[edge.from].stages.last?.uid ?? ""
            let receiver = tasks[edge.to].stages.first?.uid ?? ""
            let key = PlanRegistry.partitionerKey(sender: sender, receiver: receiver, sideOutput: edge.sideOutput?.id)
            let partitioning: PlanDescriptor.Partitioning =
                switch edge.partitioning {
                case .forward: .forward
                case .rebalance: .rebalance
                case .broadcast: .broadcast
                case .hash(let factory): .hash(partitioner: Self.describe(factory, key: key))
                case .custom(let factory): .custom(partitioner: Self.describe(factory, key: key))
                }
            edges.append(
                PlanDescriptor.Edge(
                    from: edge.from, to: edge.to, partitioning: partitioning,
                    sideOutput: edge.sideOutput.map { PlanDescriptor.SideOutput(id: $0.id, elementType: $0.elementTypeQualifiedName) }))
        }
        var descriptor = PlanDescriptor(
            version: PlanDescriptor.formatVersion, jobName: jobName,
            configuration: PlanDescriptor.Configuration(
                batchSize: configuration.batchSize, flushTimeoutNanoseconds: configuration.flushTimeout.nanoseconds,
                channelCredits: configuration.channelCredits, channelByteBudget: configuration.channelByteBudget,
                defaultParallelism: configuration.defaultParallelism, defaultMaxParallelism: configuration.defaultMaxParallelism,
                fusionEnabled: configuration.fusionEnabled, backend: configuration.backend.name),
            tasks: tasks.map(Self.describe), edges: edges, fingerprint: "")
        descriptor.fingerprint = PlanDescriptor.fingerprint(of: descriptor.shape)
        return descriptor
    }

    private static func describe(_ task: PhysicalTask) -> PlanDescriptor.Task {
        let uids = task.stages.map(\.uid)
        var head = PlanDescriptor.Head.input
        if case .source(let factory) = task.head {
            head = .source(
                body: PlanDescriptor.Body(
                    key: PlanRegistry.key("source", Array(uids[..<task.sourceStageCount])), input: nil,
                    output: NodeBody.source(factory).outputType.map(flowQualifiedTypeName),
                    stageCount: task.sourceStageCount))
        }
        var position = task.sourceStageCount
        var pieces: [PlanDescriptor.Piece] = []
        for piece in task.pieces {
            let count = piece.body.stageCount
            let body = NodeBody.transform(piece.body)
            pieces.append(
                PlanDescriptor.Piece(
                    body: PlanDescriptor.Body(
                        key: PlanRegistry.key("transform", Array(uids[position..<position + count])),
                        input: body.inputType.map(flowQualifiedTypeName), output: body.outputType.map(flowQualifiedTypeName),
                        stageCount: count),
                    isStaticChain: piece.isStaticChain))
            position += count
        }
        var tail = PlanDescriptor.Tail.output
        if case .sink(let factory) = task.tail {
            tail = .sink(
                body: PlanDescriptor.Body(
                    key: PlanRegistry.key("sink", [uids[uids.count - 1]]),
                    input: NodeBody.sink(factory).inputType.map(flowQualifiedTypeName), output: nil, stageCount: 1))
        }
        return PlanDescriptor.Task(
            id: task.id,
            stages: task.stages.map { PlanDescriptor.Stage(uid: $0.uid, kind: $0.kind, name: $0.name, uidIsUserSet: $0.uidIsUserSet) },
            head: head, pieces: pieces, tail: tail, parallelism: task.parallelism, maxParallelism: task.maxParallelism,
            backend: task.backend.name, backendIsUserSet: task.backendIsUserSet)
    }

    private static func describe(_ factory: any PartitionerFactory, key: String) -> PlanDescriptor.Partitioner {
        PlanDescriptor.Partitioner(key: key, elementType: elementTypeName(of: factory), label: factory.keyTypeName)
    }

    private static func elementTypeName<P: PartitionerFactory>(of factory: P) -> String { flowQualifiedTypeName(P.Element.self) }

    /// The plan `descriptor` describes, run with this process's code: its bodies, partitioners and
    /// side-output tags come from `registry`, everything else (stages, placement, configuration)
    /// from the descriptor.
    ///
    /// - Throws: ``FlowError`` (``FlowError/Code/invalidGraph``) if the descriptor is not of the
    ///   registry's job, naming the first difference: a stage one side has and the other has not,
    ///   a stage of another kind, a body the registry lacks, or a record type that differs.
    public init(_ descriptor: PlanDescriptor, boundTo registry: PlanRegistry) throws {
        try Self.checkStages(descriptor, registry)
        var tasks: [PhysicalTask] = []
        for task in descriptor.tasks {
            tasks.append(try Self.bind(task, registry))
        }
        var edges: [PhysicalEdge] = []
        for edge in descriptor.edges {
            guard tasks.indices.contains(edge.from), tasks.indices.contains(edge.to) else {
                throw FlowError(.invalidGraph, "the plan has an edge from task \(edge.from) to task \(edge.to), but only \(tasks.count) tasks")
            }
            let partitioning: Partitioning =
                switch edge.partitioning {
                case .forward: .forward
                case .rebalance: .rebalance
                case .broadcast: .broadcast
                case .hash(let partitioner): .hash(try Self.bind(partitioner, registry))
                case .custom(let partitioner): .custom(try Self.bind(partitioner, registry))
                }
            var sideOutput: AnySideOutput?
            if let tag = edge.sideOutput {
                guard let found = registry.sideOutput(tag.id, type: tag.elementType) else {
                    throw FlowError(
                        .invalidGraph,
                        "the plan's edge from task \(edge.from) carries side output '\(tag.id)' of \(tag.elementType), which the job here does not declare")
                }
                sideOutput = found
            }
            edges.append(PhysicalEdge(from: edge.from, to: edge.to, partitioning: partitioning, sideOutput: sideOutput))
        }
        let settings = descriptor.configuration
        let configuration = ExecutionConfiguration(
            batchSize: settings.batchSize, flushTimeout: .nanoseconds(settings.flushTimeoutNanoseconds), channelCredits: settings.channelCredits,
            channelByteBudget: settings.channelByteBudget, defaultParallelism: settings.defaultParallelism,
            defaultMaxParallelism: settings.defaultMaxParallelism, fusionEnabled: settings.fusionEnabled, backend: BackendKind(name: settings.backend))
        self.init(jobName: descriptor.jobName, tasks: tasks, edges: edges, configuration: configuration)
        self.registry = registry
    }

    /// The first stage one side has and the other has not, or that differs in kind.
    private static func checkStages(_ descriptor: PlanDescriptor, _ registry: PlanRegistry) throws {
        let planned = descriptor.tasks.flatMap(\.stages)
        let byUID = Dictionary(planned.map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
        for stage in registry.stages {
            guard let other = byUID[stage.uid] else {
                throw FlowError(
                    .invalidGraph,
                    "the job here has stage '\(stage.name)' (\(stage.kind), uid \(stage.uid)) that the plan does not: the plan is of another job, or of another version of this one",
                    stageName: stage.name, stageID: stage.uid)
            }
            if other.kind != stage.kind {
                throw FlowError(
                    .invalidGraph, "stage uid \(stage.uid) is a \(stage.kind) ('\(stage.name)') here but a \(other.kind) ('\(other.name)') in the plan",
                    stageName: stage.name, stageID: stage.uid)
            }
        }
        let known = Set(registry.stages.map(\.uid))
        if let extra = planned.first(where: { !known.contains($0.uid) }) {
            throw FlowError(
                .invalidGraph,
                "the plan has stage '\(extra.name)' (\(extra.kind), uid \(extra.uid)) that the job here does not: the plan is of another job, or of another version of this one",
                stageName: extra.name, stageID: extra.uid)
        }
    }

    private static func bind(_ task: PlanDescriptor.Task, _ registry: PlanRegistry) throws -> PhysicalTask {
        let stages = task.stages.enumerated().map { index, stage in
            PlannedStage(node: NodeID(index), kind: stage.kind, name: stage.name, uid: stage.uid, uidIsUserSet: stage.uidIsUserSet)
        }
        let name = stages.first?.name ?? "task \(task.id)"
        var head = TaskHead.input
        if case .source(let body) = task.head {
            guard let factory = registry.source(body.key) else { throw missing(body, "source", in: name) }
            try check(body, against: NodeBody.source(factory), in: name)
            head = .source(factory)
        }
        var pieces: [BodyPiece] = []
        for piece in task.pieces {
            guard let factory = registry.transform(piece.body.key) else { throw missing(piece.body, "transform", in: name) }
            try check(piece.body, against: NodeBody.transform(factory), in: name)
            pieces.append(BodyPiece(body: factory, isStaticChain: piece.isStaticChain))
        }
        var tail = TaskTail.output
        if case .sink(let body) = task.tail {
            guard let factory = registry.sink(body.key) else { throw missing(body, "sink", in: name) }
            try check(body, against: NodeBody.sink(factory), in: name)
            tail = .sink(factory)
        }
        return PhysicalTask(
            id: task.id, stages: stages, head: head, pieces: pieces, tail: tail, parallelism: task.parallelism,
            maxParallelism: task.maxParallelism, backend: BackendKind(name: task.backend), backendIsUserSet: task.backendIsUserSet)
    }

    private static func bind(_ partitioner: PlanDescriptor.Partitioner, _ registry: PlanRegistry) throws -> any PartitionerFactory {
        guard let factory = registry.partitioner(partitioner.key) else {
            throw FlowError(.invalidGraph, "the plan partitions an edge with '\(partitioner.label)' (\(partitioner.key)), which the job here does not have")
        }
        let here = elementTypeName(of: factory)
        guard here == partitioner.elementType else {
            throw FlowError(
                .invalidGraph, "the plan's partitioner \(partitioner.key) partitions \(partitioner.elementType) records, but the job here partitions \(here)")
        }
        return factory
    }

    private static func missing(_ body: PlanDescriptor.Body, _ role: String, in task: String) -> FlowError {
        FlowError(
            .invalidGraph,
            "the plan runs the \(role) \(body.key) in task '\(task)', which the job here does not have (it composes its stages otherwise, or is another job)")
    }

    private static func check(_ body: PlanDescriptor.Body, against here: NodeBody, in task: String) throws {
        let input = here.inputType.map(flowQualifiedTypeName)
        let output = here.outputType.map(flowQualifiedTypeName)
        if input != body.input || output != body.output {
            throw FlowError(
                .invalidGraph,
                "\(body.key) in task '\(task)' takes \(body.input ?? "nothing") to \(body.output ?? "nothing") in the plan but \(input ?? "nothing") to \(output ?? "nothing") here: a stage's record type changed"
            )
        }
    }
}
