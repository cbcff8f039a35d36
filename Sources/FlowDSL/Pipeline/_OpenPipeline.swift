public import FlowConnectors
public import FlowCore
public import FlowGraph
public import FlowOperators

/// A pipeline under construction whose next stage has not been added. Not API: the builder and
/// the fluent API pass these around.
@_documentation(visibility: internal)
public struct _OpenPipeline<Output: Sendable>: _PipelineHead, Sendable {
    /// The graph so far.
    public var graph: LogicalGraph
    /// The nodes the next stage reads from, and how each edge partitions.
    public var tails: [(node: NodeID, partitioning: Partitioning)]

    @inlinable
    public init(graph: LogicalGraph, tails: [(node: NodeID, partitioning: Partitioning)]) {
        self.graph = graph
        self.tails = tails
    }

    /// A pipeline starting at `source`.
    @inlinable
    public init<Reader>(source: Source<Reader>) where Reader.Output == Output {
        var graph = LogicalGraph(name: "job")
        let id = graph.addNode(source.attributes, body: .source(SourceBody(isParallel: source.isParallel, make: source.makeErasedReader)))
        self.init(graph: graph, tails: [(id, .forward)])
    }

    @inlinable
    public func materialize() -> _OpenPipeline<Output> { self }

    /// Adds a node fed by every tail and returns the pipeline after it.
    @inlinable
    public func appending<Next: Sendable>(
        _ attributes: StageAttributes, body: NodeBody, isFusable: Bool = false,
        isKeyed: Bool = false
    ) -> (pipeline: _OpenPipeline<Next>, node: NodeID) {
        var graph = graph
        let id = graph.addNode(attributes, body: body, isFusable: isFusable, isKeyed: isKeyed)
        for tail in tails { graph.connect(tail.node, to: id, partitioning: tail.partitioning) }
        return (_OpenPipeline<Next>(graph: graph, tails: [(id, .forward)]), id)
    }

    /// Adds a stateless stage whose own body is `stage` alone.
    @inlinable
    public func appending<Stage: FusableStage>(stage: Stage) -> (pipeline: _OpenPipeline<Stage.Output>, node: NodeID)
    where Stage.Input == Output {
        appending(stage.attributes, body: .transform(TransformBody(prototype: FusedChainOperator(stage))), isFusable: true)
    }

    /// Ends the pipeline in `sink`.
    @inlinable
    public func closing<Specification: TypedSinkSpecification>(_ sink: Sink<Specification>) -> _ClosedPipeline
    where Specification.Input == Output {
        let specification = sink.specification
        let body = SinkBody<Output> { specification.makeWriter() }
        let next: (pipeline: _OpenPipeline<Output>, node: NodeID) = appending(sink.attributes, body: .sink(body))
        return _ClosedPipeline(graph: next.pipeline.graph)
    }

    /// Ends the pipeline in a sink that takes any record type.
    @inlinable
    public func closing<Specification: GenericSinkSpecification>(_ sink: Sink<Specification>) -> _ClosedPipeline {
        let specification = sink.specification
        let body = SinkBody<Output> { specification.makeWriter(for: Output.self) }
        let next: (pipeline: _OpenPipeline<Output>, node: NodeID) = appending(sink.attributes, body: .sink(body))
        return _ClosedPipeline(graph: next.pipeline.graph)
    }

    /// Merges `other` in: the next stage reads from both.
    @inlinable
    public func merging(_ other: _OpenPipeline<Output>) -> _OpenPipeline<Output> {
        var graph = graph
        let move = graph.merge(other.graph)
        return _OpenPipeline(graph: graph, tails: tails + other.tails.map { (move($0.node), $0.partitioning) })
    }

    /// Partitions every tail by `keyBy`'s key.
    @inlinable
    public func keyed<Key>(by keyBy: KeyBy<Output, Key>) -> _KeyedPipeline<Output, Key> {
        let partitioning = Partitioning.hash(KeyPartitioner(key: keyBy.key, name: keyBy.attributes.name))
        return _KeyedPipeline(base: _OpenPipeline(graph: graph, tails: tails.map { ($0.node, partitioning) }), keyBy: keyBy)
    }
}

/// A job's pipeline that ends in a sink. Not API.
@_documentation(visibility: internal)
public struct _ClosedPipeline: Sendable {
    /// The whole graph.
    public var graph: LogicalGraph

    @inlinable
    public init(graph: LogicalGraph) { self.graph = graph }
}

/// A pipeline fragment that can be turned into an ``_OpenPipeline``. Not API.
@_documentation(visibility: internal)
public protocol _PipelineHead<Output> {
    associatedtype Output: Sendable
    /// The pipeline with every pending stage added to the graph.
    func materialize() -> _OpenPipeline<Output>
}
