public import FlowCore
public import FlowGraph
public import FlowOperators

extension JobGraph {
    /// Adds one tagging map (`tag`, named `name`) after each of `tails` and returns the maps as
    /// the new tails, forward-partitioned.
    ///
    /// A map after a forward edge takes its upstream's parallelism and max parallelism, so it
    /// fuses into the upstream task (unless the upstream has several outputs). One map per tail
    /// (rather than one after their union) lets each map fuse with its own upstream.
    @inlinable
    func tagging<Tag: MapFunction>(
        _ tails: [(node: NodeID, partitioning: Partitioning)], with tag: Tag, name: String
    )
        -> [(node: NodeID, partitioning: Partitioning)]
    {
        tails.map { tail in
            var stage = MapWith(tag).name(name)
            if case .forward = tail.partitioning {
                let upstream = _graph[tail.node].attributes
                stage.attributes.parallelism = upstream.parallelism
                stage.attributes.maxParallelism = upstream.maxParallelism
            }
            let next = _OpenPipeline<Tag.Input>(graph: _graph, tails: [tail]).appending(stage: stage)
            _graph = next.pipeline.graph
            return (next.node, .forward)
        }
    }
}
