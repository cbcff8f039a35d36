public import FlowCore
public import FlowGraph
public import FlowOperators

/// A pipeline partitioned by key, waiting for its keyed stage. Not API.
@_documentation(visibility: internal)
public struct _KeyedPipeline<Element: Sendable, Key: Hashable & Sendable & StableHashable>: _PipelineHead {
    public typealias Output = Element

    /// The pipeline, its tails partitioned by key.
    public var base: _OpenPipeline<Element>
    /// The key selector.
    public var keyBy: KeyBy<Element, Key>

    @inlinable
    public init(base: _OpenPipeline<Element>, keyBy: KeyBy<Element, Key>) {
        self.base = base
        self.keyBy = keyBy
    }

    @inlinable
    public func materialize() -> _OpenPipeline<Element> { base }

    /// Adds a running reduce per key.
    @inlinable
    public func reducing(_ reduce: Reduce<Element>) -> _OpenPipeline<Element> {
        var typed = ReduceWith(ClosureReduceFunction(reduce.combine))
        typed.attributes = reduce.attributes
        return reducing(typed)
    }

    /// Adds a running reduce per key with a ``ReduceFunction`` type.
    @inlinable
    public func reducing<Function: ReduceFunction>(_ reduce: ReduceWith<Function>) -> _OpenPipeline<Element> where Function.Element == Element {
        let key = keyBy.key
        let function = reduce.function
        let body = TransformBody<Element, Element>(stageCount: 1) {
            AnyOperator(KeyedReduceOperator(key: key, function: function))
        }
        return base.appending(reduce.attributes, body: .transform(body), isKeyed: true).pipeline
    }

    /// Adds a running aggregation per key.
    @inlinable
    public func aggregating<Function: AggregateFunction>(_ aggregate: Aggregate<Function>) -> _OpenPipeline<Keyed<Key, Function.Result>>
    where Function.Input == Element {
        let key = keyBy.key
        let function = aggregate.function
        let body = TransformBody<Element, Keyed<Key, Function.Result>>(stageCount: 1) {
            AnyOperator(KeyedAggregateOperator(key: key, function: function))
        }
        return base.appending(aggregate.attributes, body: .transform(body), isKeyed: true).pipeline
    }

    /// Adds a running count per key.
    /// Adds a custom keyed operator: `make` builds each instance's operator from the key selector
    /// and the instance's environment.
    @inlinable
    public func transforming<Operator: OneInputOperator>(
        _ attributes: StageAttributes, _ make: @escaping @Sendable (@escaping @Sendable (Element) throws -> Key, OperatorEnvironment) -> Operator
    ) -> _OpenPipeline<Operator.Output> where Operator.Input == Element {
        let key = keyBy.key
        let body = TransformBody<Element, Operator.Output>(stageCount: 1) { environment in AnyOperator(make(key, environment)) }
        return base.appending(attributes, body: .transform(body), isKeyed: true).pipeline
    }

    @inlinable
    public func aggregating(_ aggregate: Aggregate<CountAggregate>) -> _OpenPipeline<Keyed<Key, Int>> {
        var counting = Aggregate(TypedCount<Element>())
        counting.attributes = aggregate.attributes
        return aggregating(counting)
    }
}
