public import FlowCore
public import FlowGraph
public import FlowOperators

/// A stream partitioned by key: records with equal keys reach the same parallel instance.
public struct KeyedStream<Element: Sendable, Key: Hashable & Sendable & StableHashable> {
    @usableFromInline let graph: JobGraph
    /// The upstream tails, each partitioned by the key.
    @usableFromInline let tails: [(node: NodeID, partitioning: Partitioning)]
    @usableFromInline let keyBy: KeyBy<Element, Key>

    @inlinable
    init(graph: JobGraph, tails: [(node: NodeID, partitioning: Partitioning)], keyBy: KeyBy<Element, Key>) {
        self.graph = graph
        self.tails = tails
        self.keyBy = keyBy
    }

    /// The keyed pipeline over the graph as it is now (other branches may have grown it since
    /// `keyBy` was called).
    @inlinable
    var keyed: _KeyedPipeline<Element, Key> {
        _KeyedPipeline(base: _OpenPipeline(graph: graph._graph, tails: tails), keyBy: keyBy)
    }

    /// For every record, combines it with its key's reduced value so far and emits the result.
    @inlinable
    public func reduce(_ combine: @escaping @Sendable (Element, Element) throws -> Element) -> DataStream<Element> {
        adopt(keyed.reducing(Reduce(combine)))
    }

    /// ``reduce(_:)`` with a ``ReduceFunction`` type, inlined into the operator's loop.
    @inlinable
    public func reduce<Function: ReduceFunction>(_ function: Function) -> DataStream<Element> where Function.Element == Element {
        adopt(keyed.reducing(ReduceWith(function)))
    }

    /// For every record, updates its key's accumulator and emits `Keyed(key, result)`.
    @inlinable
    public func aggregate<Function: AggregateFunction>(_ function: Function) -> DataStream<Keyed<Key, Function.Result>>
    where Function.Input == Element {
        adopt(keyed.aggregating(Aggregate(function)))
    }

    /// For every record, emits `Keyed(key, count so far)`.
    @inlinable
    public func aggregate(_ count: CountAggregate) -> DataStream<Keyed<Key, Int>> {
        adopt(keyed.aggregating(Aggregate(count)))
    }

    /// The running sum of `value` per key.
    @inlinable
    public func sum<Value: AdditiveArithmetic & Sendable>(_ value: @escaping @Sendable (Element) throws -> Value) -> DataStream<Keyed<Key, Value>> {
        aggregate(SumAggregate(value))
    }

    /// The smallest `value` per key so far.
    @inlinable
    public func min<Value: Comparable & Sendable>(_ value: @escaping @Sendable (Element) throws -> Value) -> DataStream<Keyed<Key, Value?>> {
        aggregate(MinAggregate(value))
    }

    /// The largest `value` per key so far.
    @inlinable
    public func max<Value: Comparable & Sendable>(_ value: @escaping @Sendable (Element) throws -> Value) -> DataStream<Keyed<Key, Value?>> {
        aggregate(MaxAggregate(value))
    }

    /// The mean of `value` per key so far.
    @inlinable
    public func average(_ value: @escaping @Sendable (Element) throws -> Double) -> DataStream<Keyed<Key, Double>> {
        aggregate(AverageAggregate(value))
    }

    /// The partitioned stream, for stateless stages or a sink after the partitioning.
    /// Runs a custom operator on the keyed stream, Flink's `KeyedStream.transform`: every record
    /// of a key reaches the instance that owns the key's key group, so the operator may keep keyed
    /// state and timers for it. `make` builds each parallel instance's operator from the key
    /// selector (compute a record's key with it, hash it once, and find its state and key group
    /// by that hash) and the instance's environment.
    ///
    /// ```swift
    /// keyed.transform("expire") { key, _ in ExpiringCount(key: key) }
    /// ```
    ///
    /// See Docs/Guides/WritingOperators.md.
    @inlinable
    public func transform<Operator: OneInputOperator>(
        _ name: String, _ make: @escaping @Sendable (_ key: @escaping @Sendable (Element) throws -> Key, OperatorEnvironment) -> Operator
    ) -> DataStream<Operator.Output> where Operator.Input == Element {
        adopt(keyed.transforming(StageAttributes(kind: "Transform", name: name), make))
    }

    @inlinable
    public var stream: DataStream<Element> {
        DataStream(graph: graph, tails: tails, node: nil)
    }

    @inlinable
    func adopt<Output>(_ pipeline: _OpenPipeline<Output>) -> DataStream<Output> {
        graph._graph = pipeline.graph
        return DataStream(graph: graph, tails: pipeline.tails, node: pipeline.tails.first?.node)
    }
}
