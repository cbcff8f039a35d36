public import FlowCore
public import FlowGraph

extension DataStream {
    /// Sends the stream's records to the next stage's instances round robin, a batch at a time
    /// (Flink's `rebalance()`): evens out skewed input when the next stage runs at another
    /// parallelism or its instances would otherwise get uneven shares.
    public func rebalance() -> DataStream { partitioned(.rebalance) }

    /// Sends every record to every instance of the next stage (Flink's `broadcast()`).
    public func broadcast() -> DataStream { partitioned(.broadcast) }

    /// Sends instance *i*'s records to instance *i* of the next stage (the default between
    /// stages of equal parallelism; between different parallelisms the planner rebalances).
    public func forward() -> DataStream { partitioned(.forward) }

    /// Sends each record to the instance `partition(record, instanceCount)` returns (Flink's
    /// `partitionCustom`). An answer outside `0..<instanceCount` fails the job, naming the record.
    ///
    /// - Parameters:
    ///   - name: Labels the exchange in `explain()`.
    ///   - partition: The receiving instance of a record, given the number of instances.
    /// - Complexity: one call of `partition` per record.
    @inlinable
    public func partitionCustom(_ name: String = "custom", _ partition: @escaping @Sendable (Element, Int) throws -> Int) -> DataStream {
        partitioned(.custom(CustomPartitioner(name: name, partition: partition)))
    }

    @usableFromInline
    func partitioned(_ partitioning: Partitioning) -> DataStream {
        DataStream(graph: graph, tails: tails.map { ($0.node, partitioning) }, node: node)
    }

    /// Sets the parallelism of the stage this stream comes from (Flink's name for ``parallelism(_:)``).
    public func setParallelism(_ parallelism: Int) -> DataStream { self.parallelism(parallelism) }
    /// Sets the number of key groups of the stage this stream comes from (Flink's name for
    /// ``maxParallelism(_:)``).
    public func setMaxParallelism(_ maxParallelism: Int) -> DataStream { self.maxParallelism(maxParallelism) }
    /// Places the task of the stage this stream comes from on `backend` (`.sync`, `.dispatch`,
    /// `.actor`) instead of the backend the job runs on.
    public func backend(_ backend: BackendKind) -> DataStream { modify("backend") { $0.backend = backend } }
}

extension StageReference {
    /// Sets the stage's parallelism (Flink's name for ``parallelism(_:)``).
    @discardableResult
    public func setParallelism(_ parallelism: Int) -> StageReference { self.parallelism(parallelism) }
    /// Sets the stage's number of key groups.
    @discardableResult
    public func maxParallelism(_ maxParallelism: Int) -> StageReference { graph.update(node) { $0.maxParallelism = maxParallelism }; return self }
    /// Sets the stage's number of key groups (Flink's name for ``maxParallelism(_:)``).
    @discardableResult
    public func setMaxParallelism(_ maxParallelism: Int) -> StageReference { self.maxParallelism(maxParallelism) }
    /// Places the stage's task on `backend` instead of the backend the job runs on.
    @discardableResult
    public func backend(_ backend: BackendKind) -> StageReference { graph.update(node) { $0.backend = backend }; return self }
}
