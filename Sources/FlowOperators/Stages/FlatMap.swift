public import FlowCore

/// Transforms each record into any number of records, all with the input record's timestamp.
///
/// The closure returns any `Sequence`; the sequence's type is part of the stage's type, so a
/// lazy sequence or `CollectionOfOne` costs no allocation.
public struct FlatMap<Input: Sendable, Results: Sequence>: FusableStage where Results.Element: Sendable {
    public typealias Output = Results.Element

    public var attributes = StageAttributes(kind: "FlatMap")
    @usableFromInline let transform: @Sendable (Input) throws -> Results
    @usableFromInline var ordinal = 0

    /// Creates a flatMap stage.
    public init(_ transform: @escaping @Sendable (Input) throws -> Results) {
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
        let results: Results
        do {
            results = try transform(record)
        } catch {
            throw StageFailure(stage: ordinal, record: FlowError.describe(record), underlying: error)
        }
        for result in results {
            try collector.collect(result, at: timestamp)
        }
    }
}
