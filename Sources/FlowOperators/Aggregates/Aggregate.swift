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

/// The operator behind ``Aggregate``: one accumulator per key, kept in memory.
public struct KeyedAggregateOperator<Function: AggregateFunction, Key: Hashable & Sendable>: OneInputOperator
where Function.Input: Sendable {
    public typealias Input = Function.Input
    public typealias Output = Keyed<Key, Function.Result>

    @usableFromInline let key: @Sendable (Function.Input) throws -> Key
    @usableFromInline let function: Function
    @usableFromInline var state: [Key: Function.Accumulator] = [:]

    public init(key: @escaping @Sendable (Function.Input) throws -> Key, function: Function) {
        self.key = key
        self.function = function
    }

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
                    let result = try Self.update(&state[keyValue, default: function.makeAccumulator()], with: record, function)
                    output.append(Keyed(key: keyValue, value: result), at: timestamps[index])
                } catch {
                    throw RecordFailure(stage: 0, recordIndex: index, record: FlowError.describe(record), underlying: error)
                }
            }
          }
        }
        input.removeAll(keepingCapacity: true)
    }

    /// Adds `record` to an accumulator in place (one hash lookup per record) and returns the result.
    @inlinable @inline(__always)
    static func update(_ accumulator: inout Function.Accumulator, with record: Function.Input, _ function: Function) throws -> Function.Result {
        try function.add(record, to: &accumulator)
        return function.result(of: accumulator)
    }
}
