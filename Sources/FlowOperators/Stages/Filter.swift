/// Keeps the records for which the predicate is true.
///
/// `Filter` is ``FilterWith`` running a closure; for a hot stage, write a ``FilterFunction`` type.
public typealias Filter<Element: Sendable> = FilterWith<ClosureFilterFunction<Element>>

/// A ``FilterFunction`` from a closure (what ``Filter`` runs).
public struct ClosureFilterFunction<Element: Sendable>: FilterFunction {
    @usableFromInline let predicate: @Sendable (Element) throws -> Bool

    @inlinable
    public init(_ predicate: @escaping @Sendable (Element) throws -> Bool) { self.predicate = predicate }

    @inlinable
    public func isIncluded(_ element: Element) throws -> Bool { try predicate(element) }
}

extension FilterWith {
    /// Creates a filter stage running `isIncluded`.
    @inlinable
    public init<Element>(_ isIncluded: @escaping @Sendable (Element) throws -> Bool)
    where Function == ClosureFilterFunction<Element> {
        self.init(ClosureFilterFunction(isIncluded))
    }
}
