public import FlowCore

/// Transforms each record into zero or one record: `nil` results are dropped.
public struct CompactMap<Input: Sendable, Output: Sendable>: FusableStage {
    public var attributes = StageAttributes(kind: "CompactMap")
    @usableFromInline let transform: @Sendable (Input) throws -> Output?
    @usableFromInline var ordinal = 0

    /// Creates a compactMap stage.
    public init(_ transform: @escaping @Sendable (Input) throws -> Output?) {
        self.transform = transform
    }

    @inlinable public static var emitsAtMostOne: Bool { true }

    public mutating func assignOrdinals(from next: inout Int) {
        ordinal = next
        next += 1
    }

    @inlinable @inline(__always)
    public mutating func push<Collector: RecordCollector<Output>>(
        _ record: Input, at timestamp: EventTime, into collector: inout Collector
    ) throws {
        var timestamp = timestamp
        if let result = try apply(record, timestamp: &timestamp) { try collector.collect(result, at: timestamp) }
    }

    @inlinable @inline(__always)
    public mutating func apply(_ record: Input, timestamp: inout EventTime) throws -> Output? {
        do {
            return try transform(record)
        } catch {
            throw StageFailure(stage: ordinal, record: FlowError.describe(record), underlying: error)
        }
    }
}
