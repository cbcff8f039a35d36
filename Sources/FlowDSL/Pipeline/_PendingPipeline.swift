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
    /// The composed body of every prefix of the chain of two stages or more, shortest first (the
    /// last is the whole chain's): a chain the planner splits keeps the part before the split in
    /// one specialized loop.
    public var prefixes: [any TransformFactory]

    @inlinable
    public init(
        base: _OpenPipeline<Chain.Input>, chain: Chain, stages: [(attributes: StageAttributes, body: any TransformFactory)],
        prefixes: [any TransformFactory]
    ) {
        self.base = base
        self.chain = chain
        self.stages = stages
        self.prefixes = prefixes
    }

    /// Adds the chain's stages to the graph, and every prefix of the chain (the whole chain too)
    /// as a static segment.
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
        for (index, body) in prefixes.enumerated() where index + 2 <= nodes.count {
            graph.addSegment(Array(nodes[..<(index + 2)]), body: body)
        }
        return (_OpenPipeline(graph: graph, tails: tails), nodes)
    }
}

extension _PendingPipeline {
    /// A pending pipeline of one stage after `base`.
    @inlinable
    public init(base: _OpenPipeline<Chain.Input>, first: Chain) {
        self.init(
            base: base, chain: first,
            stages: [(first.attributes, TransformBody(prototype: FusedChainOperator(first)))], prefixes: [])
    }

    /// This pipeline with `next` fused onto the end of the chain.
    @inlinable
    public func appending<Next: FusableStage>(_ next: Next) -> _PendingPipeline<_Chain2<Chain, Next>> where Next.Input == Chain.Output {
        let chain = _Chain2(chain, next)
        return _PendingPipeline<_Chain2<Chain, Next>>(
            base: base, chain: chain,
            stages: stages + [(next.attributes, TransformBody(prototype: FusedChainOperator(next)))],
            prefixes: prefixes + [TransformBody(prototype: FusedChainOperator(chain))])
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
        _SourceChainPipeline(
            source: source, chain: first,
            stages: [(first.attributes, TransformBody(prototype: FusedChainOperator(first)))], prefixes: [],
            sourcePrefixes: [_SourceChainPipeline<Reader, Stage>.fusedSource(source, first)])
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
    /// The composed body of every prefix of the chain of two stages or more (see ``_PendingPipeline/prefixes``).
    public var prefixes: [any TransformFactory]
    /// The source fused with every prefix of the chain, shortest (one stage) first: a chain the
    /// planner splits keeps the part before the split in the source's read loop.
    public var sourcePrefixes: [any SourceFactory]

    @inlinable
    public init(
        source: Source<Reader>, chain: Chain, stages: [(attributes: StageAttributes, body: any TransformFactory)],
        prefixes: [any TransformFactory], sourcePrefixes: [any SourceFactory]
    ) {
        self.source = source
        self.chain = chain
        self.stages = stages
        self.prefixes = prefixes
        self.sourcePrefixes = sourcePrefixes
    }

    /// The body of `source` fused with `chain`: its reader pushes each record through the chain.
    @inlinable
    static func fusedSource<Prefix: FusableStage>(_ source: Source<Reader>, _ chain: Prefix) -> any SourceFactory where Prefix.Input == Reader.Output {
        SourceBody(isParallel: source.isParallel, stageCount: 1 + Prefix.stageCount) {
            AnyOperator(reader: _FusedSourceReader(reader: source.makeReader(), chain: chain), stageCount: 1 + Prefix.stageCount)
        }
    }

    /// This pipeline with `next` fused onto the end of the chain.
    @inlinable
    public func appending<Next: FusableStage>(_ next: Next) -> _SourceChainPipeline<Reader, _Chain2<Chain, Next>>
    where Next.Input == Chain.Output {
        let chain = _Chain2(chain, next)
        return _SourceChainPipeline<Reader, _Chain2<Chain, Next>>(
            source: source, chain: chain,
            stages: stages + [(next.attributes, TransformBody(prototype: FusedChainOperator(next)))],
            prefixes: prefixes + [TransformBody(prototype: FusedChainOperator(chain))],
            sourcePrefixes: sourcePrefixes + [Self.fusedSource(source, chain)])
    }

    /// Adds the source and the chain's stages to the graph, every prefix of the chain as a static
    /// segment, and the source fused with every prefix as a source segment. The planner fuses the
    /// longest source segment its task starts with (all of them, unless it split the chain), and
    /// runs the stages after a split through the chain's other segments or their own bodies.
    @inlinable
    public func materialize() -> _OpenPipeline<Output> {
        let base = _OpenPipeline(source: source)
        let sourceNode = base.tails[0].node
        var (pipeline, nodes) = _PendingPipeline(base: base, chain: chain, stages: stages, prefixes: prefixes).materializeNodes()
        for (index, body) in sourcePrefixes.enumerated() where index + 1 <= nodes.count {
            pipeline.graph.addSourceSegment([sourceNode] + nodes[..<(index + 1)], body: body)
        }
        return pipeline
    }
}
