public import FlowCore
public import FlowGraph
public import FlowOperators

extension KeyedStream {
    /// Connects this keyed stream with `other`, keyed by the same key type, for a stage that reads
    /// both: records of either input with equal keys reach the same parallel instance (Flink's
    /// `keyBy(…).connect(keyBy(…))`).
    ///
    /// ```swift
    /// events.keyBy { $0.user }.connect(rules.keyBy { $0.user }).process(BlockUsers())
    /// ```
    /// Each side is tagged as ``CoElement`` by a map fused into its upstream task, then
    /// partitioned by its own key selector. Records of one input keep their order per key; how
    /// the two inputs interleave is not specified.
    @inlinable
    public func connect<Other>(_ other: KeyedStream<Other, Key>) -> ConnectedKeyedStreams<Element, Other, Key> {
        let firstKey = keyBy.key
        let secondKey = other.keyBy.key
        let key: @Sendable (CoElement<Element, Other>) throws -> Key = { element in
            switch element {
            case .first(let value): try firstKey(value)
            case .second(let value): try secondKey(value)
            }
        }
        let unpartitioned = { (tails: [(node: NodeID, partitioning: Partitioning)]) in tails.map { (node: $0.node, partitioning: Partitioning.forward) } }
        let firstPartitioning = Partitioning.hash(KeyPartitioner(key: key, name: keyBy.attributes.name))
        let first = graph.tagging(unpartitioned(tails), with: TagAsFirst<Element, Other>(), name: "Connect (first)")
            .map { (node: $0.node, partitioning: firstPartitioning) }
        guard other.graph === graph else {
            graph.recordError("connect(_:) got a keyed stream from another JobGraph; build every branch of a job from one graph")
            return ConnectedKeyedStreams(graph: graph, tails: first, keyFirst: firstKey, keySecond: secondKey)
        }
        let secondPartitioning = Partitioning.hash(KeyPartitioner(key: key, name: other.keyBy.attributes.name))
        let second = graph.tagging(unpartitioned(other.tails), with: TagAsSecond<Element, Other>(), name: "Connect (second)")
            .map { (node: $0.node, partitioning: secondPartitioning) }
        return ConnectedKeyedStreams(graph: graph, tails: first + second, keyFirst: firstKey, keySecond: secondKey)
    }
}

/// Two connected streams partitioned by the same key type, waiting for the stage that reads
/// both: made by `KeyedStream.connect(_:)`.
///
/// Records of either input with equal keys reach the same parallel instance, so a
/// ``KeyedCoProcessFunction`` sees every record of its keys and keeps state per key. Modifiers on
/// the stream a stage returns (`.name`, `.parallelism`…) apply to the two-input stage.
public struct ConnectedKeyedStreams<First: Sendable, Second: Sendable, Key: Hashable & Sendable & StableHashable> {
    @usableFromInline let graph: JobGraph
    /// The tagging maps of both inputs, each edge partitioned by key.
    @usableFromInline let tails: [(node: NodeID, partitioning: Partitioning)]
    @usableFromInline let keyFirst: @Sendable (First) throws -> Key
    @usableFromInline let keySecond: @Sendable (Second) throws -> Key

    @inlinable
    init(
        graph: JobGraph, tails: [(node: NodeID, partitioning: Partitioning)],
        keyFirst: @escaping @Sendable (First) throws -> Key, keySecond: @escaping @Sendable (Second) throws -> Key
    ) {
        self.graph = graph
        self.tails = tails
        self.keyFirst = keyFirst
        self.keySecond = keySecond
    }

    /// The key-partitioned union of both inputs' tagged records, for a stage or sink of your own
    /// over ``CoElement``.
    @inlinable
    public var stream: DataStream<CoElement<First, Second>> {
        DataStream(graph: graph, tails: tails, node: nil)
    }

    /// Runs `function` with one state value per key (Flink's `KeyedCoProcess`).
    ///
    /// The stage is named "KeyedCoProcess" unless renamed; its state is kept in memory, in the
    /// instance that owns the key.
    ///
    /// - Complexity: per record, one key selector call, one stable hash, one state probe and one call of the
    ///   function of its input.
    @inlinable
    public func process<Function: KeyedCoProcessFunction>(_ function: Function) -> DataStream<Function.Output>
    where Function.Key == Key, Function.First == First, Function.Second == Second {
        let body = TransformBody(prototype: KeyedCoProcessOperator(keyFirst: keyFirst, keySecond: keySecond, function: function))
        return stream.adopting(stream.pipeline.appending(StageAttributes(kind: "KeyedCoProcess"), body: .transform(body), isKeyed: true))
    }

    /// Transforms each record into one record: with `first` if it came from the first input,
    /// with `second` if from the second; runs on the key-partitioned records.
    ///
    /// - Complexity: per record, one call of the closure of its input.
    @inlinable
    public func map<Output>(
        first: @escaping @Sendable (First) throws -> Output,
        second: @escaping @Sendable (Second) throws -> Output
    ) -> DataStream<Output> {
        stream.apply(CoMap(first: first, second: second))
    }

    /// Transforms each record with a ``CoMapFunction`` type; runs on the key-partitioned records.
    ///
    /// - Complexity: per record, one direct call of the function of its input.
    @inlinable
    public func map<Function: CoMapFunction>(_ function: Function) -> DataStream<Function.Output>
    where Function.First == First, Function.Second == Second {
        stream.apply(CoMapWith(function))
    }

    /// Transforms each record into the records of a sequence: `first`'s for a record of the
    /// first input, `second`'s for the second; runs on the key-partitioned records.
    ///
    /// - Complexity: per record, one call of the closure of its input, plus the records it returns.
    @inlinable
    public func flatMap<FirstResults: Sequence, SecondResults: Sequence>(
        first: @escaping @Sendable (First) throws -> FirstResults,
        second: @escaping @Sendable (Second) throws -> SecondResults
    ) -> DataStream<FirstResults.Element> where FirstResults.Element: Sendable, SecondResults.Element == FirstResults.Element {
        stream.apply(CoFlatMap(first: first, second: second))
    }
}
