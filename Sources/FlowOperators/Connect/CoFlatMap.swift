public import FlowCore

/// Transforms each record of connected streams into any number of records, with one closure per
/// input (Flink's `CoFlatMapFunction`). Every record made keeps its input record's timestamp.
///
/// ```swift
/// CoFlatMap(first: { (line: String) in line.split(separator: " ").map(String.init) },
///           second: { (word: String) in CollectionOfOne(word) })
/// ```
/// Each closure returns any `Sequence` of the output type; the sequences' types are part of the
/// stage's type, so a lazy sequence or `CollectionOfOne` costs no allocation.
public struct CoFlatMap<First: Sendable, Second: Sendable, FirstResults: Sequence, SecondResults: Sequence>: FusableStage
where FirstResults.Element: Sendable, SecondResults.Element == FirstResults.Element {
    public typealias Input = CoElement<First, Second>
    public typealias Output = FirstResults.Element

    public var attributes = StageAttributes(kind: "CoFlatMap")
    @usableFromInline let transformFirst: @Sendable (First) throws -> FirstResults
    @usableFromInline let transformSecond: @Sendable (Second) throws -> SecondResults
    @usableFromInline var ordinal = 0

    /// Creates a co-flatMap stage running `first` on the first input's records and `second` on
    /// the second's.
    public init(first: @escaping @Sendable (First) throws -> FirstResults, second: @escaping @Sendable (Second) throws -> SecondResults) {
        transformFirst = first
        transformSecond = second
    }

    public mutating func assignOrdinals(from next: inout Int) {
        ordinal = next
        next += 1
    }

    /// Emits every record the closure of the record's input returns.
    ///
    /// - Complexity: O(1) plus the user's closure and the records it returns.
    @inlinable @inline(__always)
    public mutating func push<Collector: RecordCollector<Output>>(
        _ record: Input, at timestamp: EventTime, into collector: inout Collector
    ) throws {
        switch record {
        case .first(let value):
            let results: FirstResults
            do {
                results = try transformFirst(value)
            } catch {
                throw StageFailure(stage: ordinal, record: FlowError.describe(record), underlying: error)
            }
            for result in results { try collector.collect(result, at: timestamp) }
        case .second(let value):
            let results: SecondResults
            do {
                results = try transformSecond(value)
            } catch {
                throw StageFailure(stage: ordinal, record: FlowError.describe(record), underlying: error)
            }
            for result in results { try collector.collect(result, at: timestamp) }
        }
    }
}
