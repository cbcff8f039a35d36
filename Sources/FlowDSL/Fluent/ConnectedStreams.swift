public import FlowCore
public import FlowGraph
public import FlowOperators

extension DataStream {
    /// Connects this stream with `other`, whose records may have another type, for a stage that
    /// reads both (Flink's `connect`): `.map(first:second:)`, `.flatMap(first:second:)` or
    /// `.process(_:)`.
    ///
    /// ```swift
    /// counts.connect(words).map(first: { "count \($0)" }, second: { "word \($0)" })
    /// ```
    /// Each side gets a map, named "Connect (first)" / "Connect (second)", that tags its records
    /// as ``CoElement``; it fuses into the side's upstream task. The stage after `connect` reads
    /// both tagged streams, as after a `union`. Records of one input keep their order; how the
    /// two inputs interleave is not specified. The stage's watermark is the smaller of its inputs'.
    @inlinable
    public func connect<Other>(_ other: DataStream<Other>) -> ConnectedStreams<Element, Other> {
        let first = graph.tagging(tails, with: TagAsFirst<Element, Other>(), name: "Connect (first)")
        guard other.graph === graph else {
            graph.recordError("connect(_:) got a stream from another JobGraph; build every branch of a job from one graph")
            return ConnectedStreams(graph: graph, tails: first)
        }
        let second = graph.tagging(other.tails, with: TagAsSecond<Element, Other>(), name: "Connect (second)")
        return ConnectedStreams(graph: graph, tails: first + second)
    }
}

/// Two connected streams, of records of possibly different types, waiting for the stage that
/// reads both: made by `DataStream.connect(_:)`.
///
/// The stage is a co-map, a co-flatMap or a ``CoProcessFunction``; it sees each record tagged
/// with its input (``CoElement``). Modifiers on the stream it returns (`.name`, `.parallelism`…)
/// apply to the two-input stage.
public struct ConnectedStreams<First: Sendable, Second: Sendable> {
    @usableFromInline let graph: JobGraph
    /// The tagging maps of both inputs.
    @usableFromInline let tails: [(node: NodeID, partitioning: Partitioning)]

    @inlinable
    init(graph: JobGraph, tails: [(node: NodeID, partitioning: Partitioning)]) {
        self.graph = graph
        self.tails = tails
    }

    /// The union of both inputs' tagged records, for a stage or sink of your own over ``CoElement``.
    @inlinable
    public var stream: DataStream<CoElement<First, Second>> {
        DataStream(graph: graph, tails: tails, node: nil)
    }

    /// Adds a pure stage over the tagged records of both inputs.
    @inlinable
    public func apply<Stage: FusableStage>(_ stage: Stage) -> DataStream<Stage.Output> where Stage.Input == CoElement<First, Second> {
        stream.apply(stage)
    }

    /// Transforms each record into one record: with `first` if it came from the first input,
    /// with `second` if from the second (Flink's `CoMap`). Output records keep their timestamps.
    ///
    /// - Complexity: per record, one call of the closure of its input.
    @inlinable
    public func map<Output>(
        first: @escaping @Sendable (First) throws -> Output,
        second: @escaping @Sendable (Second) throws -> Output
    ) -> DataStream<Output> {
        apply(CoMap(first: first, second: second))
    }

    /// Transforms each record with a ``CoMapFunction`` type (inlined into the fused loop).
    ///
    /// - Complexity: per record, one direct call of the function of its input.
    @inlinable
    public func map<Function: CoMapFunction>(_ function: Function) -> DataStream<Function.Output>
    where Function.First == First, Function.Second == Second {
        apply(CoMapWith(function))
    }

    /// Transforms each record into the records of a sequence: `first`'s for a record of the
    /// first input, `second`'s for the second (Flink's `CoFlatMap`). Every record made keeps
    /// its input record's timestamp.
    ///
    /// - Complexity: per record, one call of the closure of its input, plus the records it returns.
    @inlinable
    public func flatMap<FirstResults: Sequence, SecondResults: Sequence>(
        first: @escaping @Sendable (First) throws -> FirstResults,
        second: @escaping @Sendable (Second) throws -> SecondResults
    ) -> DataStream<FirstResults.Element> where FirstResults.Element: Sendable, SecondResults.Element == FirstResults.Element {
        apply(CoFlatMap(first: first, second: second))
    }

    /// Runs `function` over both inputs (Flink's `CoProcess`): each parallel instance runs its
    /// own copy of `function`, whose fields are that instance's state.
    ///
    /// The stage is named "CoProcess" unless renamed; it is not fused with its inputs (it has
    /// two), but the pure stages and sink after it join its task.
    ///
    /// - Complexity: per record, one call of the function of its input.
    @inlinable
    public func process<Function: CoProcessFunction>(_ function: Function) -> DataStream<Function.Output>
    where Function.First == First, Function.Second == Second {
        let body = TransformBody(prototype: CoProcessOperator(function))
        return stream.adopting(stream.pipeline.appending(StageAttributes(kind: "CoProcess"), body: .transform(body)))
    }
}
