import FlowCore
import FlowGraph

/// Builds the running instances of a plan: a signal per task instance, a bridge per pair of
/// instances an edge joins, and for every task instance its head, body nodes and tail.
///
/// Node bodies arrive as existentials; each is opened once here, at build time, so the generic
/// node classes are created for the right record types. Nothing here runs per record.
struct TaskBuilder {
    let plan: PhysicalPlan
    let registry: MetricsRegistry
    /// What the routers measure batch age with.
    let flushClock: FlushClock
    /// Where operators read processing time.
    let processingTime: ProcessingTimeService
    /// The snapshots the job resumes from, per stage uid: every old instance's (none on a fresh start).
    let restored: [String: [OperatorSnapshot]]
    /// mailboxes[task][subtask]: where actions are posted to each instance.
    let mailboxes: [[TaskMailbox]]
    /// Where instances deliver the snapshots they take.
    let collector: SnapshotCollector
    /// What makes the bridges of the plan's edges.
    let bridges: any BridgeFactory

    /// channels[edge][sender][receiver], erased; `nil` where a forward edge has no bridge.
    private var channels: [[[AnyObject?]]] = []
    /// signals[task][subtask]
    private var signals: [[TaskSignal]] = []

    init(
        plan: PhysicalPlan, registry: MetricsRegistry, flushClock: FlushClock, processingTime: ProcessingTimeService = .system,
        restored: [String: [OperatorSnapshot]] = [:], mailboxes: [[TaskMailbox]]? = nil, collector: SnapshotCollector = SnapshotCollector(),
        bridges: any BridgeFactory = LocalBridgeFactory()
    ) {
        self.bridges = bridges
        self.plan = plan
        self.registry = registry
        self.flushClock = flushClock
        self.processingTime = processingTime
        self.restored = restored
        self.mailboxes = mailboxes ?? plan.tasks.map { task in (0..<task.parallelism).map { _ in TaskMailbox() } }
        self.collector = collector
    }

    /// Builds every instance. Instances on the sync backend share `syncSignal` (their scheduler
    /// waits on it); every other instance gets a signal of its own, whose blocking waits poll
    /// for up to `spinWindow` first (dispatch threads; actor tasks never block).
    mutating func build(syncSignal: TaskSignal, spinWindow: Duration) throws -> [TaskInstance] {
        // State of a stage the job no longer has would be dropped without a word (Flink refuses it
        // unless told to allow non-restored state).
        let uids = Set(plan.tasks.flatMap { $0.stages.map(\.uid) })
        // Stateless stages store empty snapshots; a renamed one (its derived uid follows its inputs')
        // loses nothing.
        let holdingState = restored.filter { _, snapshots in snapshots.contains { !$0.keyed.isEmpty || !$0.splits.isEmpty } }
        if let orphan = holdingState.keys.sorted().first(where: { !uids.contains($0) }) {
            throw FlowError(
                .stateRestoreFailed,
                "the snapshots to resume from hold state of a stage with uid '\(orphan)', which the job does not have (was the stage renamed or removed? set its uid to keep its state)",
                stageID: orphan)
        }
        let slots = plan.configuration.channelCredits
        signals = plan.tasks.map { task in
            (0..<task.parallelism).map { _ in task.backend == .sync ? syncSignal : TaskSignal(spinWindow: spinWindow) }
        }
        channels = try plan.edges.enumerated().map { edgeIndex, edge in
            let sender = plan.tasks[edge.from]
            let receiver = plan.tasks[edge.to]
            return try (0..<sender.parallelism).map { from in
                try (0..<receiver.parallelism).map { to in
                    if case .forward = edge.partitioning, from != to { return nil }
                    let maker = BridgeBuilder(
                        factory: bridges, edge: edge, sender: from, receiver: to, slots: slots,
                        senderSignal: signals[edge.from][from], receiverSignal: signals[edge.to][to])
                    // A side output's edge carries its tag's records, not the task's main output.
                    let bridge = try edge.sideOutput.map { try Self.openSideOutput($0.type, maker) } ?? Self.visitOutputType(of: sender, maker)
                    registry.register(edge: edgeIndex, from: from, to: to, gauges: bridge)
                    return bridge
                }
            }
        }
        var instances: [TaskInstance] = []
        for task in plan.tasks {
            for subtask in 0..<task.parallelism {
                instances.append(try instance(of: task, subtask: subtask))
            }
        }
        return instances
    }

    private func instance(of task: PhysicalTask, subtask: Int) throws -> TaskInstance {
        let counters = registry.counters[task.id][subtask]
        let batchSize = plan.configuration.batchSize
        // A task whose channels feed its sink directly does no work a step could keep short.
        let paced: Bool = if case .input = task.head, task.pieces.isEmpty { false } else { true }
        let pacer = StepPacer(
            batchSize: batchSize, byteBudget: plan.configuration.batchByteLimit,
            flushTimeout: plan.configuration.flushTimeout, clock: flushClock, paced: paced)
        let signal = signals[task.id][subtask]
        let sideOutputs = SideOutputRegistry()
        let context = { (stage: PlannedStage) in
            OperatorContext(
                stageName: stage.name, stageID: stage.uid, subtask: subtask, parallelism: task.parallelism,
                maxParallelism: task.maxParallelism, processingTime: processingTime, wakeUp: { signal.notify() },
                sideOutputs: sideOutputs)
        }
        let environment = { (stage: PlannedStage) throws in
            OperatorEnvironment(
                context: context(stage),
                restored: try OperatorSnapshot.assigned(
                    restored[stage.uid] ?? [], to: subtask, of: task.parallelism,
                    maxParallelism: task.maxParallelism))
        }
        // The task's parts, in order: its source, its operators, its sink (built last to first).
        var stages: [any TaskStage] = []

        // Tail.
        let transformStart = task.sourceStageCount
        var next: AnyObject
        switch task.tail {
        case .sink(let factory):
            let last = task.stages.count - 1
            let span = StageSpan(stages: task.stages, first: last, count: 1, counters: counters, subtask: subtask)
            let built = try Self.makeSinkNode(
                factory, environment: try environment(task.stages[last]), span: span, batchSize: batchSize, pacer: pacer,
                collector: collector)
            stages.append(built.stage)
            next = built.object
        case .output:
            let routers = OutputBuilder(
                plan: plan, task: task, subtask: subtask, channels: channels, clock: flushClock, pacer: pacer,
                sideOutputs: sideOutputs)
            next = try Self.visitOutputType(of: task, routers)
        }

        // Body pieces, last to first.
        var stageEnd = task.stages.count - { if case .sink = task.tail { return 1 } else { return 0 } }()
        for piece in task.pieces.reversed() {
            let count = piece.body.stageCount
            let span = StageSpan(stages: task.stages, first: stageEnd - count, count: count, counters: counters, subtask: subtask)
            let built = try Self.makeOperatorNode(
                piece.body, environment: try environment(task.stages[span.first]), next: next, span: span,
                batchSize: batchSize, pacer: pacer, collector: collector)
            stages.insert(built.stage, at: 0)
            next = built.object
            stageEnd -= count
        }
        precondition(
            stageEnd == transformStart,
            "TaskBuilder: task \(task.id) pieces cover \(task.stages.count - stageEnd) stages, expected \(task.stages.count - transformStart)")

        // Head.
        let head: TaskHeadDriver
        switch task.head {
        case .source(let factory):
            let span = StageSpan(stages: task.stages, first: 0, count: transformStart, counters: counters, subtask: subtask)
            let built = try Self.makeSourceHead(
                factory, environment: try environment(task.stages[0]), first: next, span: span, batchSize: batchSize,
                pacer: pacer, collector: collector)
            stages.insert(built.stage, at: 0)
            head = built.head
        case .input:
            // Each channel keeps its identity: its edge's position among the task's inputs, and its sender.
            var receivers: [InputChannel] = []
            var input = 0
            for (edgeIndex, edge) in plan.edges.enumerated() where edge.to == task.id {
                for (sender, row) in channels[edgeIndex].enumerated() {
                    if let channel = row[subtask] { receivers.append(InputChannel(id: InputChannelID(input: input, sender: sender), bridge: channel)) }
                }
                input += 1
            }
            head = try Self.makeInputHead(task: task, first: next, receivers: receivers, pacer: pacer)
        }
        return TaskInstance(
            label: "Task \(task.id) '\(task.name)' #\(subtask)", backend: task.backend, signal: signals[task.id][subtask],
            counters: registry.taskCounters[task.id][subtask], head: head, stages: stages,
            mailbox: mailboxes[task.id][subtask], processingTime: processingTime)
    }

    // MARK: Opening existentials

    /// Calls `visitor` with the type of the records `task` emits.
    static func visitOutputType<V: ElementTypeVisitor>(of task: PhysicalTask, _ visitor: V) throws -> V.Result {
        if let last = task.pieces.last { return try openOutput(last.body, visitor) }
        if case .source(let factory) = task.head { return try openSource(factory, visitor) }
        throw FlowError(.internalError, "task \(task.id) '\(task.name)' has output edges but emits no records")
    }

    private static func openOutput<F: TransformFactory, V: ElementTypeVisitor>(_ factory: F, _ visitor: V) throws -> V.Result {
        try visitor.visit(F.Output.self)
    }

    private static func openSource<F: SourceFactory, V: ElementTypeVisitor>(_ factory: F, _ visitor: V) throws -> V.Result {
        try visitor.visit(F.Output.self)
    }

    /// Calls `visitor` with the record type of a side output.
    static func openSideOutput<T: SideOutputType, V: ElementTypeVisitor>(_ type: T, _ visitor: V) throws -> V.Result {
        try visitor.visit(T.Element.self)
    }

    /// A part of the task, built: its node (erased, for the node before it) and its view for the loop.
    private struct BuiltStage {
        var object: AnyObject
        var stage: any TaskStage
    }

    private static func makeOperatorNode(
        _ body: any TransformFactory, environment: OperatorEnvironment, next: AnyObject, span: StageSpan,
        batchSize: Int, pacer: StepPacer, collector: SnapshotCollector
    ) throws -> BuiltStage {
        try makeOperatorNode(opened: body, environment: environment, next: next, span: span, batchSize: batchSize, pacer: pacer, collector: collector)
    }

    private static func makeOperatorNode<F: TransformFactory>(
        opened factory: F, environment: OperatorEnvironment, next: AnyObject, span: StageSpan,
        batchSize: Int, pacer: StepPacer, collector: SnapshotCollector
    ) throws -> BuiltStage {
        guard let next = next as? Node<F.Output> else {
            throw FlowError(.internalError, "stage '\(span.stages[span.first].name)' emits \(F.Output.self) but its downstream consumes another type")
        }
        let node = StageNode(
            op: factory.makeOperator(environment), next: next, environment: environment, span: span, batchSize: batchSize,
            pacer: pacer, collector: collector)
        return BuiltStage(object: node, stage: node)
    }

    private static func makeSinkNode(
        _ factory: any SinkFactory, environment: OperatorEnvironment, span: StageSpan, batchSize: Int, pacer: StepPacer,
        collector: SnapshotCollector
    ) throws -> BuiltStage {
        makeSinkNode(opened: factory, environment: environment, span: span, batchSize: batchSize, pacer: pacer, collector: collector)
    }

    private static func makeSinkNode<F: SinkFactory>(
        opened factory: F, environment: OperatorEnvironment, span: StageSpan, batchSize: Int,
        pacer: StepPacer, collector: SnapshotCollector
    ) -> BuiltStage {
        let node = StageNode(
            op: factory.makeWriter(environment), next: TaskEnd<Never>(), environment: environment, span: span, batchSize: batchSize,
            pacer: pacer, collector: collector)
        return BuiltStage(object: node, stage: node)
    }

    private static func makeSourceHead(
        _ factory: any SourceFactory, environment: OperatorEnvironment, first: AnyObject, span: StageSpan,
        batchSize: Int, pacer: StepPacer, collector: SnapshotCollector
    ) throws -> (head: TaskHeadDriver, stage: any TaskStage) {
        try makeSourceHead(opened: factory, environment: environment, first: first, span: span, batchSize: batchSize, pacer: pacer, collector: collector)
    }

    private static func makeSourceHead<F: SourceFactory>(
        opened factory: F, environment: OperatorEnvironment, first: AnyObject, span: StageSpan,
        batchSize: Int, pacer: StepPacer,
        collector: SnapshotCollector
    ) throws -> (head: TaskHeadDriver, stage: any TaskStage) {
        guard let first = first as? Node<F.Output> else {
            throw FlowError(.internalError, "source '\(environment.context.stageName)' emits \(F.Output.self) but its downstream consumes another type")
        }
        let node = StageNode(
            op: factory.makeReader(environment), next: first, environment: environment, span: span, batchSize: batchSize,
            pacer: pacer, collector: collector)
        return (SourceHead(source: node, first: first, pacer: pacer), node)
    }

    private static func makeInputHead(task: PhysicalTask, first: AnyObject, receivers: [InputChannel], pacer: StepPacer) throws -> TaskHeadDriver {
        let visitor = InputHeadBuilder(first: first, receivers: receivers, taskName: task.name, pacer: pacer)
        if let piece = task.pieces.first { return try openInput(piece.body, visitor) }
        if case .sink(let factory) = task.tail { return try openSinkInput(factory, visitor) }
        throw FlowError(.internalError, "task \(task.id) '\(task.name)' has neither a body nor a sink")
    }

    private static func openInput<F: TransformFactory, V: ElementTypeVisitor>(_ factory: F, _ visitor: V) throws -> V.Result {
        try visitor.visit(F.Input.self)
    }

    private static func openSinkInput<F: SinkFactory, V: ElementTypeVisitor>(_ factory: F, _ visitor: V) throws -> V.Result {
        try visitor.visit(F.Input.self)
    }
}

/// Something done with a record type known only at run time.
protocol ElementTypeVisitor {
    associatedtype Result
    func visit<Element>(_ type: Element.Type) throws -> Result
}

/// Makes one bridge through the run's ``BridgeFactory``, once the record type is known.
private struct BridgeBuilder: ElementTypeVisitor {
    let factory: any BridgeFactory
    let edge: PhysicalEdge
    let sender: Int
    let receiver: Int
    let slots: Int
    let senderSignal: TaskSignal
    let receiverSignal: TaskSignal

    func visit<Element>(_ type: Element.Type) throws -> any BridgeGauges {
        factory.makeBridge(
            Element.self, edge: edge, sender: sender, receiver: receiver, slots: slots, senderSignal: senderSignal,
            receiverSignal: receiverSignal)
    }
}

/// One channel into a task instance, erased, with the identity its input gate knows it by.
private struct InputChannel {
    var id: InputChannelID
    var bridge: AnyObject
}

private struct InputHeadBuilder: ElementTypeVisitor {
    let first: AnyObject
    let receivers: [InputChannel]
    let taskName: String
    let pacer: StepPacer

    func visit<Element>(_ type: Element.Type) throws -> TaskHeadDriver {
        guard let first = first as? Node<Element> else {
            throw FlowError(.internalError, "task '\(taskName)': its body does not consume \(Element.self)")
        }
        let channels = try receivers.map { receiver -> any BridgeReceiver<Element> in
            guard let channel = receiver.bridge as? any BridgeReceiver<Element> else {
                throw FlowError(.internalError, "task '\(taskName)': an input channel does not carry \(Element.self)")
            }
            return channel
        }
        return InputHead(channels: channels, ids: receivers.map(\.id), first: first, pacer: pacer)
    }
}

private struct OutputBuilder: ElementTypeVisitor {
    let plan: PhysicalPlan
    let task: PhysicalTask
    let subtask: Int
    let channels: [[[AnyObject?]]]
    let clock: FlushClock
    let pacer: StepPacer
    /// Where the side-output collectors of the task's last stage are registered.
    let sideOutputs: SideOutputRegistry

    /// The task's tail: an output node over its main output's edges, and, if its last stage has
    /// side outputs, one per tag beside it (a ``SideOutputFanOut``).
    func visit<Element>(_ type: Element.Type) throws -> AnyObject {
        let main = OutputNode(routers: try routers(Element.self, for: nil, countingBytes: true), batchSize: plan.configuration.batchSize)
        var tags: [AnySideOutput] = []
        for edge in plan.edges where edge.from == task.id {
            if let tag = edge.sideOutput, !tags.contains(where: { $0.id == tag.id }) { tags.append(tag) }
        }
        if tags.isEmpty { return main }
        let ports = try tags.map { tag in try TaskBuilder.openSideOutput(tag.type, SidePortBuilder(routers: self, tag: tag)) }
        return SideOutputFanOut(main: main, sides: ports)
    }

    /// The routers of the task's edges that carry `sideOutput` (`nil`: the main output).
    func routers<Element>(_ type: Element.Type, for sideOutput: String?, countingBytes: Bool) throws -> [EdgeRouter<Element>] {
        var routers: [EdgeRouter<Element>] = []
        for (edgeIndex, edge) in plan.edges.enumerated() where edge.from == task.id && edge.sideOutput?.id == sideOutput {
            let countsBytes = countingBytes && routers.isEmpty
            let receiver = plan.tasks[edge.to]
            let senders = try channels[edgeIndex][subtask].compactMap { $0 }.map { object -> any BridgeSender<Element> in
                guard let channel = object as? any BridgeSender<Element> else {
                    throw FlowError(.internalError, "task '\(task.name)': an output channel does not carry \(Element.self)")
                }
                return channel
            }
            let mode: EdgeRouter<Element>.Mode
            switch edge.partitioning {
            case .forward: mode = .forward
            case .rebalance: mode = .rebalance
            case .broadcast: mode = .broadcast
            case .hash(let factory):
                mode = .hash(try Self.partitioner(factory, as: Element.self, taskName: task.name), keyedStage: receiver.stages.first)
            case .custom(let factory):
                mode = .custom(try Self.partitioner(factory, as: Element.self, taskName: task.name), receiver: receiver.stages.first)
            }
            routers.append(
                EdgeRouter(
                    mode: mode, channels: senders, batchSize: plan.configuration.batchSize,
                    byteLimit: plan.configuration.batchByteLimit, flushTimeout: plan.configuration.flushTimeout,
                    clock: clock, pacer: pacer, countsBytes: countsBytes, maxParallelism: receiver.maxParallelism,
                    subtask: subtask))
        }
        return routers
    }

    private static func partitioner<P: PartitionerFactory, Element>(_ factory: P, as type: Element.Type, taskName: String) throws -> BatchPartitioner<Element> {
        guard let partitioner = factory.makePartitioner() as? BatchPartitioner<Element> else {
            throw FlowError(.internalError, "task '\(taskName)': its KeyBy partitions \(P.Element.self) records, not \(Element.self)")
        }
        return partitioner
    }
}

/// Builds the port of one side output: its collector, registered for the task's operators, and
/// an output node over the edges that carry it.
private struct SidePortBuilder: ElementTypeVisitor {
    let routers: OutputBuilder
    let tag: AnySideOutput

    func visit<Element>(_ type: Element.Type) throws -> any SideOutputPort {
        let collector = SideOutputCollector<Element>()
        routers.sideOutputs._register(collector, id: tag.id)
        // Side records are other records than the main output's: the first router of each tag tells
        // the pacer their bytes too.
        let node = OutputNode(
            routers: try routers.routers(Element.self, for: tag.id, countingBytes: true),
            batchSize: routers.plan.configuration.batchSize)
        return SideOutputNode(collector: collector, output: node)
    }
}
