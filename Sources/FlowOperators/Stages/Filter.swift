public import FlowCore

/// Keeps the records for which the predicate is true.
public struct Filter<Element: Sendable>: FusableStage {
    public typealias Input = Element
    public typealias Output = Element

    public var attributes = StageAttributes(kind: "Filter")
    @usableFromInline let isIncluded: @Sendable (Element) throws -> Bool
    @usableFromInline var ordinal = 0

    /// Creates a filter stage.
    public init(_ isIncluded: @escaping @Sendable (Element) throws -> Bool) {
        self.isIncluded = isIncluded
    }

    public mutating func assignOrdinals(from next: inout Int) {
        ordinal = next
        next += 1
    }

    @inlinable @inline(__always)
    public mutating func push<Collector: RecordCollector<Element>>(
        _ record: Element, at timestamp: EventTime, into collector: inout Collector
    ) throws {
        let keep: Bool
        do {
            keep = try isIncluded(record)
        } catch {
            throw StageFailure(stage: ordinal, record: FlowError.describe(record), underlying: error)
        }
        if keep { try collector.collect(record, at: timestamp) }
    }
}
