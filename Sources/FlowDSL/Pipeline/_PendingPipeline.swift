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
        return _OpenPipeline(graph: graph, tails: tails)
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
