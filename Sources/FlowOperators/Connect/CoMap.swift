/// Transforms each record of connected streams into exactly one record, with one closure per
/// input (Flink's `CoMapFunction`).
///
/// ```swift
/// CoMap(first: { (count: Int) in "count \(count)" }, second: { (word: String) in "word \(word)" })
/// ```
/// `CoMap` is ``CoMapWith`` running closures; for a hot stage, write a ``CoMapFunction`` type.
public typealias CoMap<First: Sendable, Second: Sendable, Output: Sendable> = CoMapWith<ClosureCoMapFunction<First, Second, Output>>

/// A ``CoMapFunction`` from two closures (what ``CoMap`` runs).
public struct ClosureCoMapFunction<First: Sendable, Second: Sendable, Output: Sendable>: CoMapFunction {
    @usableFromInline let transformFirst: @Sendable (First) throws -> Output
    @usableFromInline let transformSecond: @Sendable (Second) throws -> Output

    /// A co-map function running `first` on the first input and `second` on the second.
    @inlinable
    public init(first: @escaping @Sendable (First) throws -> Output, second: @escaping @Sendable (Second) throws -> Output) {
        transformFirst = first
        transformSecond = second
    }

    @inlinable
    public func mapFirst(_ value: First) throws -> Output { try transformFirst(value) }

    @inlinable
    public func mapSecond(_ value: Second) throws -> Output { try transformSecond(value) }
}

extension CoMapWith {
    /// Creates a co-map stage running `first` on the first input's records and `second` on the
    /// second's.
    @inlinable
    public init<First, Second, Output>(
        first: @escaping @Sendable (First) throws -> Output,
        second: @escaping @Sendable (Second) throws -> Output
    )
    where Function == ClosureCoMapFunction<First, Second, Output> {
        self.init(ClosureCoMapFunction(first: first, second: second))
    }
}
