public import FlowCore

/// Transforms each record of connected streams with a ``CoMapFunction``: the function's
/// `mapFirst` for records of the first input, `mapSecond` for the second (Flink's `CoMap`).
///
/// A pure stage over ``CoElement``: the planner may fuse it with the stages after it. Each
/// output record keeps its input record's timestamp.
public struct CoMapWith<Function: CoMapFunction>: FusableStage {
    public typealias Input = CoElement<Function.First, Function.Second>
    public typealias Output = Function.Output

    public var attributes = StageAttributes(kind: "CoMap")
    @usableFromInline let function: Function
    @usableFromInline var ordinal = 0

    /// Creates a co-map stage running `function`.
    public init(_ function: Function) {
        self.function = function
    }

    @inlinable public static var isOneToOne: Bool { true }
    @inlinable public static var emitsAtMostOne: Bool { true }

    public mutating func assignOrdinals(from next: inout Int) {
        ordinal = next
        next += 1
    }

    /// Maps one record with the function of its input.
    ///
    /// - Complexity: O(1) plus the user's function; no allocation.
    @inlinable @inline(__always)
    public mutating func push<Collector: RecordCollector<Output>>(
        _ record: Input, at timestamp: EventTime, into collector: inout Collector
    ) throws {
        var timestamp = timestamp
        try collector.collect(try apply(record, timestamp: &timestamp)!, at: timestamp)
    }

    @inlinable @inline(__always)
    public mutating func apply(_ record: Input, timestamp: inout EventTime) throws -> Output? {
        do {
            switch record {
            case .first(let value): return try function.mapFirst(value)
            case .second(let value): return try function.mapSecond(value)
            }
        } catch {
            throw StageFailure(stage: ordinal, record: FlowError.describe(record), underlying: error)
        }
    }
}
