public import FlowConnectors
public import FlowCore
public import FlowGraph
public import FlowOperators

/// A stream of records in a ``JobGraph``: the output of one stage, or the union of several.
///
/// Each operation adds a stage and returns the stream after it. Closures' parameter types are
/// inferred. Consecutive pure stages are fused by the planner (batch by batch); to fuse them into
/// one specialized loop, add them together with ``fused(_:)``.
public struct DataStream<Element: Sendable> {
    @usableFromInline let graph: JobGraph
    @usableFromInline let tails: [(node: NodeID, partitioning: Partitioning)]
    /// The stage this stream is the output of (`nil` for a union).
    @usableFromInline let node: NodeID?

    @inlinable
    init(graph: JobGraph, tails: [(node: NodeID, partitioning: Partitioning)], node: NodeID?) {
        self.graph = graph
        self.tails = tails
        self.node = node
    }

    @inlinable
    var pipeline: _OpenPipeline<Element> { _OpenPipeline(graph: graph._graph, tails: tails) }

    @inlinable
    func adopting<Next>(_ next: (pipeline: _OpenPipeline<Next>, node: NodeID)) -> DataStream<Next> {
        graph._graph = next.pipeline.graph
        return DataStream<Next>(graph: graph, tails: next.pipeline.tails, node: next.node)
    }

    /// Adds a pure stage.
    @inlinable
    public func apply<Stage: FusableStage>(_ stage: Stage) -> DataStream<Stage.Output> where Stage.Input == Element {
        adopting(pipeline.appending(stage: stage))
    }

    /// Runs a custom operator (Flink's `DataStream.transform`): `make` builds each parallel
    /// instance's operator from the instance's environment. The operator is not fused with its
    /// neighbours. For keyed state and timers, key the stream first (``KeyedStream/transform(_:_:)``).
    @inlinable
    public func transform<Operator: OneInputOperator>(
        _ name: String, _ make: @escaping @Sendable (OperatorEnvironment) -> Operator
    ) -> DataStream<Operator.Output>
    where Operator.Input == Element {
        let body = TransformBody<Element, Operator.Output>(stageCount: 1) { environment in AnyOperator(make(environment)) }
        return adopting(pipeline.appending(StageAttributes(kind: "Transform", name: name), body: .transform(body)))
    }

    /// Runs `function` over the stream (Flink's `process`): any number of records per record, to
    /// the main output and to the side outputs the function declares. The stage is named
    /// "Process" unless renamed and is not fused with its input; with side outputs, the stages
    /// after it run in tasks of their own.
    ///
    /// - Complexity: per record, one call of the function.
    @inlinable
    public func process<Function: ProcessFunction>(_ function: Function) -> DataStream<Function.Output> where Function.Input == Element {
        let body = TransformBody(prototype: ProcessOperator(function))
        let next: (pipeline: _OpenPipeline<Function.Output>, node: NodeID) = pipeline.appending(StageAttributes(kind: "Process"), body: .transform(body))
        graph._graph = next.pipeline.graph
        graph._graph.declareSideOutputs(of: next.node, function.sideOutputs)
        return DataStream<Function.Output>(graph: graph, tails: next.pipeline.tails, node: next.node)
    }

    /// The records this stream's stage emitted to side output `tag`: a stream of their own, with
    /// their own type, edges and metrics (a slow consumer holds back the producing task, as any edge
    /// does). The stage must declare the tag with this record
    /// type (the planner says so otherwise, naming the stage).
    ///
    /// It starts with a stage of its own (kind "SideOutput", named for the tag, which passes the
    /// records on), after which any stages may follow.
    @inlinable
    public func sideOutput<Side>(_ tag: SideOutput<Side>) -> DataStream<Side> {
        var logical = graph._graph
        guard let node else {
            // A union has no stage of its own: the planner reports the dangling stage below.
            let id = logical.addNode(
                StageAttributes(kind: "SideOutput", name: "SideOutput '\(tag.id)' of a union"),
                body: .transform(TransformBody(prototype: FusedChainOperator(Map { (side: Side) in side }))))
            graph._graph = logical
            return DataStream<Side>(graph: graph, tails: [(id, .forward)], node: id)
        }
        let id = logical.addNode(
            StageAttributes(kind: "SideOutput", name: tag.id),
            body: .transform(TransformBody(prototype: FusedChainOperator(Map { (side: Side) in side }))), isFusable: true)
        logical.connect(node, to: id, partitioning: .forward, sideOutput: tag.erased)
        graph._graph = logical
        return DataStream<Side>(graph: graph, tails: [(id, .forward)], node: id)
    }

    /// Transforms each record into one record.
    @inlinable
    public func map<Output>(_ transform: @escaping @Sendable (Element) throws -> Output) -> DataStream<Output> {
        apply(Map(transform))
    }

    /// Keeps the records for which `isIncluded` is true.
    @inlinable
    public func filter(_ isIncluded: @escaping @Sendable (Element) throws -> Bool) -> DataStream<Element> {
        apply(Filter(isIncluded))
    }

    /// Transforms each record into the records of a sequence.
    @inlinable
    public func flatMap<Results: Sequence>(_ transform: @escaping @Sendable (Element) throws -> Results) -> DataStream<Results.Element>
    where Results.Element: Sendable {
        apply(FlatMap(transform))
    }

    /// Transforms each record into zero or one record.
    @inlinable
    public func compactMap<Output>(_ transform: @escaping @Sendable (Element) throws -> Output?) -> DataStream<Output> {
        apply(CompactMap(transform))
    }

    /// Sets each record's event time to `timestamp(record)`, passing the record on unchanged.
    ///
    /// A pure one-to-one stage: it fuses with the stages around it without leaving the chain's
    /// fastest path.
    ///
    /// - Complexity: per record, one call of `timestamp`; no allocation.
    @inlinable
    public func assignTimestamps(_ timestamp: @escaping @Sendable (Element) throws -> EventTime) -> DataStream<Element> {
        apply(AssignTimestamps(timestamp))
    }

    /// Adds several pure stages composed at compile time into one specialized loop.
    ///
    /// ```swift
    /// stream.fused {
    ///     Map { (bid: Bid) in bid.price }
    ///     Filter { (price: Int64) in price > 100 }
    /// }
    /// ```
    @inlinable
    public func fused<Chain>(@FusedStagesBuilder _ stages: () -> _FusedStages<Chain>) -> DataStream<Chain.Output>
    where Chain.Input == Element {
        let built = stages()
        let pending = _PendingPipeline(base: pipeline, chain: built.chain, stages: built.stages, prefixes: built.prefixes)
        let result = pending.materialize()
        graph._graph = result.graph
        return DataStream<Chain.Output>(graph: graph, tails: result.tails, node: result.tails.first?.node)
    }

    /// Partitions the stream by key.
    @inlinable
    public func keyBy<Key: Hashable & Sendable & StableHashable>(_ key: @escaping @Sendable (Element) throws -> Key) -> KeyedStream<Element, Key> {
        let keyBy = KeyBy(key)
        return KeyedStream(graph: graph, tails: pipeline.keyed(by: keyBy).base.tails, keyBy: keyBy)
    }

    /// Merges this stream with `others`: the next stage reads all of them.
    @inlinable
    public func union(_ others: DataStream<Element>...) -> DataStream<Element> {
        for other in others where other.graph !== graph {
            graph.recordError("union(_:) got a stream from another JobGraph; build every branch of a job from one graph")
        }
        return DataStream(graph: graph, tails: tails + others.filter { $0.graph === graph }.flatMap(\.tails), node: nil)
    }

    /// Ends the stream in a sink for its record type.
    @inlinable
    @discardableResult
    public func sink<Specification: TypedSinkSpecification>(_ specification: Specification) -> StageReference
    where Specification.Input == Element {
        let closed = pipeline.closing(Sink(specification))
        graph._graph = closed.graph
        return StageReference(graph: graph, node: NodeID(closed.graph.nodes.count - 1))
    }

    /// Ends the stream in a sink that takes any record type (`.print()`, `.discard`).
    @inlinable
    @discardableResult
    public func sink<Specification: GenericSinkSpecification>(_ specification: Specification) -> StageReference {
        let closed = pipeline.closing(Sink(specification))
        graph._graph = closed.graph
        return StageReference(graph: graph, node: NodeID(closed.graph.nodes.count - 1))
    }

    /// Names the stage this stream comes from.
    public func name(_ name: String) -> DataStream { modify("name") { $0.name = name } }
    /// Sets the stable operator id of the stage this stream comes from.
    public func uid(_ uid: String) -> DataStream { modify("uid") { $0.uid = uid } }
    /// Sets the parallelism of the stage this stream comes from.
    public func parallelism(_ parallelism: Int) -> DataStream { modify("parallelism") { $0.parallelism = parallelism } }
    /// Sets the number of key groups of the stage this stream comes from.
    public func maxParallelism(_ maxParallelism: Int) -> DataStream { modify("maxParallelism") { $0.maxParallelism = maxParallelism } }
    /// Keeps the planner from fusing the stage this stream comes from with its upstream.
    public func disableChaining() -> DataStream { modify("disableChaining") { $0.chainingAllowed = false } }

    func modify(_ what: String, _ change: (inout StageAttributes) -> Void) -> DataStream {
        if let node {
            graph.update(node, change)
        } else {
            graph.recordError("\(what)(_:) was called on a union of streams; call it on the stream of one stage")
        }
        return self
    }
}

/// The sink stage a stream ended in, for naming it.
public struct StageReference {
    @usableFromInline let graph: JobGraph
    @usableFromInline let node: NodeID

    @inlinable
    init(graph: JobGraph, node: NodeID) {
        self.graph = graph
        self.node = node
    }

    /// Names the stage.
    @discardableResult
    public func name(_ name: String) -> StageReference { graph.update(node) { $0.name = name }; return self }
    /// Sets the stage's stable operator id.
    @discardableResult
    public func uid(_ uid: String) -> StageReference { graph.update(node) { $0.uid = uid }; return self }
    /// Sets the stage's parallelism.
    @discardableResult
    public func parallelism(_ parallelism: Int) -> StageReference { graph.update(node) { $0.parallelism = parallelism }; return self }
    /// Keeps the planner from fusing the stage with its upstream.
    @discardableResult
    public func disableChaining() -> StageReference { graph.update(node) { $0.chainingAllowed = false }; return self }
}
