public import FlowCore

/// A keyed running aggregation: for every record, updates its key's accumulator and emits
/// `Keyed(key, result)`. Follows a ``KeyBy``.
///
/// ```swift
/// Aggregate(.count)
/// Aggregate.sum { (bid: Bid) in bid.price }
/// Aggregate(MyAggregateFunction())
/// ```
public struct Aggregate<Function: AggregateSpecification>: ConfigurableStage, Sendable {
    public var attributes = StageAttributes(kind: "Aggregate")
    /// The aggregation.
    public let function: Function

    /// Creates a running aggregation.
    public init(_ function: Function) {
        self.function = function
    }
}

extension Aggregate {
    /// Sums `value` over the records of each key.
    public static func sum<Input, Value>(_ value: @escaping @Sendable (Input) throws -> Value) -> Aggregate
    where Function == SumAggregate<Input, Value> { Aggregate(SumAggregate(value)) }

    /// The smallest `value` of each key so far.
    public static func min<Input, Value>(_ value: @escaping @Sendable (Input) throws -> Value) -> Aggregate
    where Function == MinAggregate<Input, Value> { Aggregate(MinAggregate(value)) }

    /// The largest `value` of each key so far.
    public static func max<Input, Value>(_ value: @escaping @Sendable (Input) throws -> Value) -> Aggregate
    where Function == MaxAggregate<Input, Value> { Aggregate(MaxAggregate(value)) }

    /// The mean of `value` over the records of each key so far.
    public static func average<Input>(_ value: @escaping @Sendable (Input) throws -> Double) -> Aggregate
    where Function == AverageAggregate<Input> { Aggregate(AverageAggregate(value)) }
}

/// The operator behind ``Aggregate``: one accumulator per key, in a ``RAMValueState``.
///
/// Its state covers the key groups of the instance from ``open(context:)``; unopened (a test
/// driving ``process(_:into:)`` directly) it covers every key group of the default max
/// parallelism, as the only instance of its stage.
///
/// ## Concurrency
/// An instance, and the state it owns, is confined to the task that runs it.
public struct KeyedAggregateOperator<Function: AggregateFunction, Key: Hashable & Sendable & StableHashable>: OneInputOperator
where Function.Input: Sendable {
    public typealias Input = Function.Input
    public typealias Output = Keyed<Key, Function.Result>

    @usableFromInline let key: @Sendable (Function.Input) throws -> Key
    @usableFromInline let function: Function
    /// The accumulator of each key.
    @usableFromInline var state = _OperatorValueState<Key, Function.Accumulator>(name: "aggregate")  // protected by the owning task (confinement)

    public init(key: @escaping @Sendable (Function.Input) throws -> Key, function: Function) {
        self.key = key
        self.function = function
    }

    /// The number of keys with state (for tests and inspection).
    public var keyCount: Int { state.values.count }

    /// Takes the instance's key groups and max parallelism from `context`.
    ///
    /// - Throws: ``FlowError/Code/stateRestoreFailed`` if state restored before opening holds keys
    ///   the instance does not own.
    public mutating func open(context: OperatorContext) throws {
        try state.open(context: context)
    }

    /// Adds each record to its key's accumulator and emits `Keyed(key, result)`.
    ///
    /// - Throws: ``RecordFailure`` naming the record and what failed: the key selector, the
    ///   function, or a key not equal to itself (``KeyNotEqualToItself``).
    /// - Complexity: O(input.count): per record, one key selector call, one stable hash (also
    ///   giving the key group), one probe updating the accumulator in place, and the function's
    ///   `add` and `result`; no allocation in steady state.
    @inlinable
    public mutating func process(_ input: inout Batch<Input>, into output: inout Batch<Output>) throws {
        let function = self.function
        let key = self.key
        try output.withAppender(reservingCapacity: input.count) { output in
            try input.withUnsafeBuffers { records, timestamps in
                for index in records.indices {
                    let record = records[index]
                    let keyValue = try _stateKey(of: record, at: index, by: key)
                    do {
                        let result = try state.values.update(
                            keyValue, namespace: EmptyNamespace(), hash: keyValue.stableHashValue,
                            default: function.makeAccumulator
                        ) { accumulator in
                            try Self.update(&accumulator, with: record, function)
                        }
                        output.append(Keyed(key: keyValue, value: result), at: timestamps[index])
                    } catch {
                        throw RecordFailure(stage: 0, recordIndex: index, record: FlowError.describe(record), underlying: error)
                    }
                }
            }
        }
        input.removeAll(keepingCapacity: true)
    }

    /// Adds `record` to an accumulator in place and returns the result.
    @inlinable @inline(__always)
    static func update(_ accumulator: inout Function.Accumulator, with record: Function.Input, _ function: Function) throws -> Function.Result {
        try function.add(record, to: &accumulator)
        return function.result(of: accumulator)
    }

    /// Adds the accumulator of every key to `snapshot`, per key group.
    ///
    /// - Throws: ``FlowError/Code/internalError`` if `snapshot` is for another checkpoint, operator
    ///   uid or max parallelism.
    /// - Complexity: O(keys).
    public mutating func snapshotState(checkpoint: Int64, into snapshot: inout KeyedStateSnapshot) throws {
        try state.snapshot(checkpoint: checkpoint, into: &snapshot)
    }

    /// Replaces the state with the one `snapshot` holds for this operator.
    ///
    /// - Throws: ``FlowError/Code/stateRestoreFailed`` if the snapshot belongs to another operator
    ///   uid, holds key groups this instance does not own, was cut with another max parallelism, or
    ///   holds accumulators of another type.
    /// - Complexity: O(keys restored).
    public mutating func restoreState(from snapshot: KeyedStateSnapshot) throws {
        try state.restore(from: snapshot)
    }
}
