public import FlowConnectors
public import FlowCore
public import FlowGraph
public import FlowOperators

/// A pipeline whose last stages are fusable and still held as one concrete chain, so that they
/// can be added to the graph together with their statically composed body. Not API.
@_documentation(visibility: internal)
public struct _PendingPipeline<Chain: FusableStage>: _PipelineHead {
    public typealias Output = Chain.Output

    /// The pipeline before the chain.
    public var base: _OpenPipeline<Chain.Input>
    /// The chain.
    public var chain: Chain
    /// Each stage's attributes and own body, in order.
    public var stages: [(attributes: StageAttributes, body: any TransformFactory)]

    @inlinable
    public init(base: _OpenPipeline<Chain.Input>, chain: Chain, stages: [(attributes: StageAttributes, body: any TransformFactory)]) {
        self.base = base
        self.chain = chain
        self.stages = stages
    }

    /// Adds the chain's stages to the graph, and the chain itself as a static segment.
    @inlinable
    public func materialize() -> _OpenPipeline<Output> {
        materializeNodes().pipeline
    }

    /// ``materialize()``, also returning the ids of the chain's nodes.
    @inlinable
    public func materializeNodes() -> (pipeline: _OpenPipeline<Output>, nodes: [NodeID]) {
        var graph = base.graph
        var tails = base.tails
        var nodes: [NodeID] = []
        for stage in stages {
            let id = graph.addNode(stage.attributes, body: .transform(stage.body), isFusable: true)
            for tail in tails { graph.connect(tail.node, to: id, partitioning: tail.partitioning) }
            tails = [(id, .forward)]
            nodes.append(id)
        }
        if nodes.count > 1 {
            graph.addSegment(nodes, body: TransformBody(prototype: FusedChainOperator(chain)))
        }
        return (_OpenPipeline(graph: graph, tails: tails), nodes)
    }
}

extension _PendingPipeline {
    /// A pending pipeline of one stage after `base`.
    @inlinable
    public init(base: _OpenPipeline<Chain.Input>, first: Chain) {
        self.init(base: base, chain: first,
                  stages: [(first.attributes, TransformBody(prototype: FusedChainOperator(first)))])
    }

    /// This pipeline with `next` fused onto the end of the chain.
    @inlinable
    public func appending<Next: FusableStage>(_ next: Next) -> _PendingPipeline<_Chain2<Chain, Next>> where Next.Input == Chain.Output {
        _PendingPipeline<_Chain2<Chain, Next>>(
            base: base, chain: _Chain2(chain, next),
            stages: stages + [(next.attributes, TransformBody(prototype: FusedChainOperator(next)))])
    }
}

/// A pipeline that is still just its source. Not API: the builder keeps the reader's type so
/// the stages that follow can be fused into the source.
@_documentation(visibility: internal)
public struct _SourcePipeline<Reader: SourceReader>: _PipelineHead {
    public typealias Output = Reader.Output

    /// The source.
    public var source: Source<Reader>

    @inlinable
    public init(source: Source<Reader>) { self.source = source }

    @inlinable
    public func materialize() -> _OpenPipeline<Output> { _OpenPipeline(source: source) }

    /// The source followed by `first`, the first stage of a chain fused into it.
    @inlinable
    public func appending<Stage: FusableStage>(_ first: Stage) -> _SourceChainPipeline<Reader, Stage> where Stage.Input == Output {
        _SourceChainPipeline(source: source, chain: first,
                             stages: [(first.attributes, TransformBody(prototype: FusedChainOperator(first)))])
    }
}

/// A source followed by a chain of pure stages, held with both types concrete, so that the source
/// can push each record through the chain (``_FusedSourceReader``). Not API.
@_documentation(visibility: internal)
public struct _SourceChainPipeline<Reader: SourceReader, Chain: FusableStage>: _PipelineHead where Chain.Input == Reader.Output {
    public typealias Output = Chain.Output

    /// The source.
    public var source: Source<Reader>
    /// The chain.
    public var chain: Chain
    /// Each stage's attributes and own body, in order.
    public var stages: [(attributes: StageAttributes, body: any TransformFactory)]

    @inlinable
    public init(source: Source<Reader>, chain: Chain, stages: [(attributes: StageAttributes, body: any TransformFactory)]) {
        self.source = source
        self.chain = chain
        self.stages = stages
    }

    /// This pipeline with `next` fused onto the end of the chain.
    @inlinable
    public func appending<Next: FusableStage>(_ next: Next) -> _SourceChainPipeline<Reader, _Chain2<Chain, Next>>
    where Next.Input == Chain.Output {
        _SourceChainPipeline<Reader, _Chain2<Chain, Next>>(
            source: source, chain: _Chain2(chain, next),
            stages: stages + [(next.attributes, TransformBody(prototype: FusedChainOperator(next)))])
    }

    /// Adds the source and the chain's stages to the graph, the chain as a static segment, and the
    /// source fused with the chain as a source segment. The planner uses the source segment when
    /// the task starts with all of these nodes, and the separate bodies otherwise.
    @inlinable
    public func materialize() -> _OpenPipeline<Output> {
        let base = _OpenPipeline(source: source)
        let sourceNode = base.tails[0].node
        var (pipeline, nodes) = _PendingPipeline(base: base, chain: chain, stages: stages).materializeNodes()
        let source = source
        let chain = chain
        pipeline.graph.addSourceSegment(
            [sourceNode] + nodes,
            body: SourceBody(isParallel: source.isParallel, stageCount: 1 + Chain.stageCount) {
                AnyOperator(reader: _FusedSourceReader(reader: source.makeReader(), chain: chain), stageCount: 1 + Chain.stageCount)
            })
        return pipeline
    }
}
