/// Something ``Aggregate`` accepts: an ``AggregateFunction``, or ``CountAggregate`` which adapts
/// to any input type (so `Aggregate(.count)` needs no type).
public protocol AggregateSpecification: Sendable {}

/// An incremental aggregation: one accumulator per key, not the records.
public protocol AggregateFunction<Input, Result>: AggregateSpecification {
    /// The type of the records aggregated.
    associatedtype Input
    /// The running state per key (`Sendable`: it is checkpointed).
    associatedtype Accumulator: Sendable
    /// The type of the value emitted.
    associatedtype Result: Sendable

    /// A fresh accumulator.
    func makeAccumulator() -> Accumulator
    /// Adds one record to an accumulator.
    ///
    /// - Complexity: O(1) for the built-in functions.
    func add(_ input: Input, to accumulator: inout Accumulator) throws
    /// The value of an accumulator.
    func result(of accumulator: Accumulator) -> Result
    /// Folds `other` into `accumulator` (used when windows or key groups merge).
    func merge(_ other: Accumulator, into accumulator: inout Accumulator)
}

/// Counts records, whatever their type. Written `Aggregate(.count)`.
public struct CountAggregate: AggregateSpecification {
    public init() {}
}

/// Counts records of type `Input`: what ``CountAggregate`` becomes once the input type is known.
public struct TypedCount<Input>: AggregateFunction {
    public init() {}
    @inlinable public func makeAccumulator() -> Int { 0 }
    @inlinable public func add(_ input: Input, to accumulator: inout Int) { accumulator &+= 1 }
    @inlinable public func result(of accumulator: Int) -> Int { accumulator }
    @inlinable public func merge(_ other: Int, into accumulator: inout Int) { accumulator &+= other }
}

/// Sums a numeric value of each record.
public struct SumAggregate<Input, Value: AdditiveArithmetic & Sendable>: AggregateFunction {
    @usableFromInline let value: @Sendable (Input) throws -> Value
    public init(_ value: @escaping @Sendable (Input) throws -> Value) { self.value = value }
    @inlinable public func makeAccumulator() -> Value { .zero }
    @inlinable public func add(_ input: Input, to accumulator: inout Value) throws { accumulator += try value(input) }
    @inlinable public func result(of accumulator: Value) -> Value { accumulator }
    @inlinable public func merge(_ other: Value, into accumulator: inout Value) { accumulator += other }
}

/// The smallest value seen.
public struct MinAggregate<Input, Value: Comparable & Sendable>: AggregateFunction {
    @usableFromInline let value: @Sendable (Input) throws -> Value
    public init(_ value: @escaping @Sendable (Input) throws -> Value) { self.value = value }
    @inlinable public func makeAccumulator() -> Value? { nil }
    @inlinable public func add(_ input: Input, to accumulator: inout Value?) throws {
        let next = try value(input)
        if let current = accumulator, current <= next { return }
        accumulator = next
    }
    @inlinable public func result(of accumulator: Value?) -> Value? { accumulator }
    @inlinable public func merge(_ other: Value?, into accumulator: inout Value?) {
        guard let other else { return }
        if let current = accumulator, current <= other { return }
        accumulator = other
    }
}

/// The largest value seen.
public struct MaxAggregate<Input, Value: Comparable & Sendable>: AggregateFunction {
    @usableFromInline let value: @Sendable (Input) throws -> Value
    public init(_ value: @escaping @Sendable (Input) throws -> Value) { self.value = value }
    @inlinable public func makeAccumulator() -> Value? { nil }
    @inlinable public func add(_ input: Input, to accumulator: inout Value?) throws {
        let next = try value(input)
        if let current = accumulator, current >= next { return }
        accumulator = next
    }
    @inlinable public func result(of accumulator: Value?) -> Value? { accumulator }
    @inlinable public func merge(_ other: Value?, into accumulator: inout Value?) {
        guard let other else { return }
        if let current = accumulator, current >= other { return }
        accumulator = other
    }
}

/// The arithmetic mean of a value of each record.
public struct AverageAggregate<Input>: AggregateFunction {
    @usableFromInline let value: @Sendable (Input) throws -> Double
    public init(_ value: @escaping @Sendable (Input) throws -> Double) { self.value = value }
    @inlinable public func makeAccumulator() -> (sum: Double, count: Int) { (0, 0) }
    @inlinable public func add(_ input: Input, to accumulator: inout (sum: Double, count: Int)) throws {
        accumulator.sum += try value(input)
        accumulator.count += 1
    }
    @inlinable public func result(of accumulator: (sum: Double, count: Int)) -> Double {
        accumulator.count == 0 ? 0 : accumulator.sum / Double(accumulator.count)
    }
    @inlinable public func merge(_ other: (sum: Double, count: Int), into accumulator: inout (sum: Double, count: Int)) {
        accumulator.sum += other.sum
        accumulator.count += other.count
    }
}

extension AggregateSpecification where Self == CountAggregate {
    /// Counts the records of each key.
    public static var count: CountAggregate { CountAggregate() }
}

// `Aggregate(.sum { … })` is what a user writes by analogy with `Aggregate(.count)`, but Swift does
// not infer a closure literal as `@Sendable` through an implicit member of a generic parameter, so
// it cannot compile; these say what to write instead of "converting non-Sendable function value".

extension AggregateSpecification {
    @available(*, unavailable, message: "write Aggregate.sum { (record: T) in value } (Swift cannot pass a @Sendable closure through Aggregate(.sum { … }))")
    public static func sum<Input, Value>(_ value: @escaping (Input) throws -> Value) -> Self
    where Self == SumAggregate<Input, Value> { fatalError("unavailable") }

    @available(*, unavailable, message: "write Aggregate.min { (record: T) in value } (Swift cannot pass a @Sendable closure through Aggregate(.min { … }))")
    public static func min<Input, Value>(_ value: @escaping (Input) throws -> Value) -> Self
    where Self == MinAggregate<Input, Value> { fatalError("unavailable") }

    @available(*, unavailable, message: "write Aggregate.max { (record: T) in value } (Swift cannot pass a @Sendable closure through Aggregate(.max { … }))")
    public static func max<Input, Value>(_ value: @escaping (Input) throws -> Value) -> Self
    where Self == MaxAggregate<Input, Value> { fatalError("unavailable") }

    @available(
        *, unavailable, message: "write Aggregate.average { (record: T) in value } (Swift cannot pass a @Sendable closure through Aggregate(.average { … }))"
    )
    public static func average<Input>(_ value: @escaping (Input) throws -> Double) -> Self
    where Self == AverageAggregate<Input> { fatalError("unavailable") }
}
