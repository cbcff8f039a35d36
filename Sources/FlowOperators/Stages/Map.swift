public import FlowCore

/// Transforms each record into exactly one record.
///
/// ```swift
/// Map { (bid: Bid) in PricedBid(bid, euros: Double(bid.price) * 0.908) }
/// ```
/// In a result-builder job the closure's parameter type must be written out: each stage of a
/// builder is type-checked on its own, so it cannot learn its input type from the stage before.
public struct Map<Input: Sendable, Output: Sendable>: FusableStage {
    public var attributes = StageAttributes(kind: "Map")
    @usableFromInline let transform: @Sendable (Input) throws -> Output
    @usableFromInline var ordinal = 0

    /// Creates a map stage.
    public init(_ transform: @escaping @Sendable (Input) throws -> Output) {
        self.transform = transform
    }

    public mutating func assignOrdinals(from next: inout Int) {
        ordinal = next
        next += 1
    }

    @inlinable @inline(__always)
    public mutating func push<Collector: RecordCollector<Output>>(
        _ record: Input, at timestamp: EventTime, into collector: inout Collector
    ) throws {
        let result: Output
        do {
            result = try transform(record)
        } catch {
            throw StageFailure(stage: ordinal, record: FlowError.describe(record), underlying: error)
        }
        try collector.collect(result, at: timestamp)
    }
}
