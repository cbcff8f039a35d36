/// Gives a record its event time, as a type the compiler can inline into the fused loop (Flink's
/// `TimestampAssigner`). A closure stored in a stage is an indirect call per record; an assigner
/// type specializes and inlines like hand-written code.
///
/// ```swift
/// struct BidTime: TimestampAssigner {
///     func timestamp(of bid: Bid) -> EventTime { EventTime(milliseconds: bid.dateTime) }
/// }
/// ```
public protocol TimestampAssigner<Element>: Sendable {
    /// The type of the records stamped.
    associatedtype Element: Sendable
    /// The event time of `element`.
    func timestamp(of element: Element) throws -> EventTime
}

/// A ``TimestampAssigner`` from a closure (what `AssignTimestamps` and `Source.withTimestamps(_:)` run).
public struct ClosureTimestampAssigner<Element: Sendable>: TimestampAssigner {
    @usableFromInline let body: @Sendable (Element) throws -> EventTime

    @inlinable
    public init(_ body: @escaping @Sendable (Element) throws -> EventTime) { self.body = body }

    @inlinable
    public func timestamp(of element: Element) throws -> EventTime { try body(element) }
}
