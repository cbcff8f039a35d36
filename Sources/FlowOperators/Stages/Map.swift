/// Transforms each record into exactly one record.
///
/// ```swift
/// Map { (bid: Bid) in PricedBid(bid, euros: Double(bid.price) * 0.908) }
/// ```
/// In a result-builder job the closure's parameter type must be written out: each stage of a
/// builder is type-checked on its own, so it cannot learn its input type from the stage before.
/// `Map` is ``MapWith`` running a closure; for a hot stage, write a ``MapFunction`` type instead.
public typealias Map<Input: Sendable, Output: Sendable> = MapWith<ClosureMapFunction<Input, Output>>

/// A ``MapFunction`` from a closure (what ``Map`` runs).
public struct ClosureMapFunction<Input: Sendable, Output: Sendable>: MapFunction {
    @usableFromInline let transform: @Sendable (Input) throws -> Output

    @inlinable
    public init(_ transform: @escaping @Sendable (Input) throws -> Output) { self.transform = transform }

    @inlinable
    public func map(_ input: Input) throws -> Output { try transform(input) }
}

extension MapWith {
    /// Creates a map stage running `transform`.
    @inlinable
    public init<Input, Output>(_ transform: @escaping @Sendable (Input) throws -> Output)
    where Function == ClosureMapFunction<Input, Output> {
        self.init(ClosureMapFunction(transform))
    }
}
