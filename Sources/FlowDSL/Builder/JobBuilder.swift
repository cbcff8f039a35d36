public import FlowConnectors
public import FlowCore
public import FlowGraph
public import FlowOperators

/// Builds a job from a list of stages, checking at compile time that each stage consumes what the
/// stage before it produces.
///
/// ```swift
/// let job = try Job("word-count") {
///     Source(lines)
///     FlatMap { (line: String) in line.split(separator: " ").map(String.init) }
///     KeyBy { (word: String) in word }
///     Aggregate(.count)
///     Sink(.print())
/// }
/// ```
///
/// A pipeline starts with a `Source` and ends with a `Sink`. Runs of pure stages (`Map`,
/// `Filter`, `FlatMap`, `CompactMap`, `AssignTimestamps`) are composed into one concrete chain here, at compile time,
/// which the planner runs as one specialized loop. `Reduce` and `Aggregate` must follow `KeyBy`.
///
/// What does not compile, by design:
/// - a stage whose input type differs from the previous stage's output
///   (`Source([1, 2]); Map { (s: String) in s }`): no `buildPartialBlock` matches;
/// - `Reduce` or `Aggregate` without a `KeyBy` right before it;
/// - a pipeline that does not start with a `Source` or that ends without a `Sink` (`Job` wants a
///   closed pipeline);
/// - a closure without a parameter type (`Map { $0.count }`): builder stages are type-checked one
///   by one, so a stage cannot learn its input type from its neighbour (a closure such as
///   `{ $0 + 1 }` still compiles when literals default it to `Int`). Write `Map { (s: String) in s.count }`,
///   or use the fluent API (``JobGraph``), which infers it.
@resultBuilder
public enum JobBuilder {
    @inlinable
    public static func buildPartialBlock<Reader>(first source: Source<Reader>) -> _SourcePipeline<Reader> {
        _SourcePipeline(source: source)
    }

    /// The first pure stage after a source: fused into the source.
    @inlinable
    public static func buildPartialBlock<Reader, Stage: FusableStage>(
        accumulated head: _SourcePipeline<Reader>, next stage: Stage
    ) -> _SourceChainPipeline<Reader, Stage> where Stage.Input == Reader.Output {
        head.appending(stage)
    }

    @inlinable
    public static func buildPartialBlock<Reader, Chain, Stage: FusableStage>(
        accumulated pending: _SourceChainPipeline<Reader, Chain>, next stage: Stage
    ) -> _SourceChainPipeline<Reader, _Chain2<Chain, Stage>> where Stage.Input == Chain.Output {
        pending.appending(stage)
    }

    @inlinable
    public static func buildPartialBlock<Head: _PipelineHead, Stage: FusableStage>(
        accumulated head: Head, next stage: Stage
    ) -> _PendingPipeline<Stage> where Stage.Input == Head.Output {
        _PendingPipeline(base: head.materialize(), first: stage)
    }

    @inlinable
    public static func buildPartialBlock<Chain, Stage: FusableStage>(
        accumulated pending: _PendingPipeline<Chain>, next stage: Stage
    ) -> _PendingPipeline<_Chain2<Chain, Stage>> where Stage.Input == Chain.Output {
        pending.appending(stage)
    }

    @inlinable
    public static func buildPartialBlock<Head: _PipelineHead, Key>(
        accumulated head: Head, next keyBy: KeyBy<Head.Output, Key>
    ) -> _KeyedPipeline<Head.Output, Key> {
        head.materialize().keyed(by: keyBy)
    }

    @inlinable
    public static func buildPartialBlock<Element, Key>(
        accumulated keyed: _KeyedPipeline<Element, Key>, next reduce: Reduce<Element>
    ) -> _OpenPipeline<Element> {
        keyed.reducing(reduce)
    }

    @inlinable
    public static func buildPartialBlock<Element, Key, Function: ReduceFunction>(
        accumulated keyed: _KeyedPipeline<Element, Key>, next reduce: ReduceWith<Function>
    ) -> _OpenPipeline<Element> where Function.Element == Element {
        keyed.reducing(reduce)
    }

    @inlinable
    public static func buildPartialBlock<Element, Key, Function: AggregateFunction>(
        accumulated keyed: _KeyedPipeline<Element, Key>, next aggregate: Aggregate<Function>
    ) -> _OpenPipeline<Keyed<Key, Function.Result>> where Function.Input == Element {
        keyed.aggregating(aggregate)
    }

    @inlinable
    public static func buildPartialBlock<Element, Key>(
        accumulated keyed: _KeyedPipeline<Element, Key>, next aggregate: Aggregate<CountAggregate>
    ) -> _OpenPipeline<Keyed<Key, Int>> {
        keyed.aggregating(aggregate)
    }

    // The common mistakes, said in the user's terms instead of the builder's types.

    @available(*, unavailable, message: "Reduce keeps a value per key: put a KeyBy { (record: T) in key } right before it")
    public static func buildPartialBlock<Head: _PipelineHead, Element>(
        accumulated head: Head, next reduce: Reduce<Element>
    ) -> _OpenPipeline<Element> {
        fatalError("unavailable")
    }

    @available(*, unavailable, message: "ReduceWith keeps a value per key: put a KeyBy { (record: T) in key } right before it")
    public static func buildPartialBlock<Head: _PipelineHead, Function: ReduceFunction>(
        accumulated head: Head, next reduce: ReduceWith<Function>
    ) -> _OpenPipeline<Function.Element> {
        fatalError("unavailable")
    }

    @available(*, unavailable, message: "Aggregate keeps an accumulator per key: put a KeyBy { (record: T) in key } right before it")
    public static func buildPartialBlock<Head: _PipelineHead, Function: AggregateSpecification>(
        accumulated head: Head, next aggregate: Aggregate<Function>
    ) -> _OpenPipeline<Head.Output> {
        fatalError("unavailable")
    }

    @inlinable
    public static func buildPartialBlock<Head: _PipelineHead>(
        accumulated head: Head, next union: Union<Head.Output>
    ) -> _OpenPipeline<Head.Output> {
        head.materialize().merging(union.pipeline)
    }

    @inlinable
    public static func buildPartialBlock<Head: _PipelineHead, Specification: TypedSinkSpecification>(
        accumulated head: Head, next sink: Sink<Specification>
    ) -> _ClosedPipeline where Specification.Input == Head.Output {
        head.materialize().closing(sink)
    }

    @inlinable
    public static func buildPartialBlock<Head: _PipelineHead, Specification: GenericSinkSpecification>(
        accumulated head: Head, next sink: Sink<Specification>
    ) -> _ClosedPipeline {
        head.materialize().closing(sink)
    }
}

/// Merges another pipeline into this one: the next stage reads the records of both.
///
/// ```swift
/// Source(clicks)
/// Union { Source(taps); Map { (tap: Tap) in Click(tap) } }
/// ```
public struct Union<Element: Sendable>: Sendable {
    /// The other pipeline.
    public let pipeline: _OpenPipeline<Element>

    /// Creates a union with the pipeline `body` builds (a `Source` and stages, no `Sink`).
    @inlinable
    public init<Head: _PipelineHead>(@JobBuilder _ body: () -> Head) where Head.Output == Element {
        pipeline = body().materialize()
    }
}

/// Builds one fused chain of pure stages, for ``DataStream/fused(_:)``.
@resultBuilder
public enum FusedStagesBuilder {
    @inlinable
    public static func buildPartialBlock<Stage: FusableStage>(first stage: Stage) -> _FusedStages<Stage> {
        _FusedStages(chain: stage, stages: [(stage.attributes, TransformBody(prototype: FusedChainOperator(stage)))], prefixes: [])
    }

    @inlinable
    public static func buildPartialBlock<Chain, Next: FusableStage>(
        accumulated stages: _FusedStages<Chain>, next: Next
    ) -> _FusedStages<_Chain2<Chain, Next>> where Chain.Output == Next.Input {
        let chain = _Chain2(stages.chain, next)
        return _FusedStages(
            chain: chain, stages: stages.stages + [(next.attributes, TransformBody(prototype: FusedChainOperator(next)))],
            prefixes: stages.prefixes + [TransformBody(prototype: FusedChainOperator(chain))])
    }
}

/// A chain of pure stages and each stage's own body. Not API.
@_documentation(visibility: internal)
public struct _FusedStages<Chain: FusableStage> {
    public var chain: Chain
    public var stages: [(attributes: StageAttributes, body: any TransformFactory)]
    /// The composed body of every prefix of two stages or more (see ``_PendingPipeline/prefixes``).
    public var prefixes: [any TransformFactory]

    @inlinable
    public init(chain: Chain, stages: [(attributes: StageAttributes, body: any TransformFactory)], prefixes: [any TransformFactory]) {
        self.chain = chain
        self.stages = stages
        self.prefixes = prefixes
    }
}
