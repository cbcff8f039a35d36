public import FlowCore

/// Sets each record's timestamp with a ``TimestampAssigner`` and passes the record on unchanged:
/// ``AssignTimestamps`` for assigners written as types.
///
/// A one-to-one stage that sets the timestamp in ``apply(_:timestamp:)``, so a chain containing
/// it stays on the nested-call path: the timestamp is handed to the stages after it in a register
/// and appended with the chain's result.
public struct AssignTimestampsWith<Assigner: TimestampAssigner>: FusableStage {
    public typealias Input = Assigner.Element
    public typealias Output = Assigner.Element

    public var attributes = StageAttributes(kind: "AssignTimestamps")
    @usableFromInline let assigner: Assigner
    @usableFromInline var ordinal = 0

    /// Creates a timestamp-assigning stage running `assigner`.
    public init(_ assigner: Assigner) {
        self.assigner = assigner
    }

    @inlinable public static var isOneToOne: Bool { true }
    @inlinable public static var emitsAtMostOne: Bool { true }

    public mutating func assignOrdinals(from next: inout Int) {
        ordinal = next
        next += 1
    }

    /// Passes `record` on at the timestamp the assigner gives it.
    ///
    /// - Complexity: O(1) plus the assigner; no allocation.
    @inlinable @inline(__always)
    public mutating func push<Collector: RecordCollector<Output>>(
        _ record: Input, at timestamp: EventTime, into collector: inout Collector
    ) throws {
        var timestamp = timestamp
        try collector.collect(try apply(record, timestamp: &timestamp)!, at: timestamp)
    }

    /// `record`, with `timestamp` set to the assigner's timestamp for it.
    ///
    /// - Complexity: O(1) plus the assigner; no allocation.
    @inlinable @inline(__always)
    public mutating func apply(_ record: Input, timestamp: inout EventTime) throws -> Output? {
        do {
            timestamp = try assigner.timestamp(of: record)
        } catch {
            throw StageFailure(stage: ordinal, record: FlowError.describe(record), underlying: error)
        }
        return record
    }
}
