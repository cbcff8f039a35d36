public import FlowCore

/// A map function as a type, for stages the compiler can inline into the fused loop.
///
/// A closure stored in a stage is an indirect call per record; a `MapFunction` is a concrete
/// type, so `MapWith(Scale())` specializes and inlines like hand-written code. Use it on hot
/// paths; use ``Map`` everywhere else.
///
/// ```swift
/// struct Scale: MapFunction {
///     func map(_ reading: Reading) -> Scaled { Scaled(reading.value * 3 + 1) }
/// }
/// ```
public protocol MapFunction<Input, Output>: Sendable {
    /// The type of the records consumed.
    associatedtype Input: Sendable
    /// The type of the records produced.
    associatedtype Output: Sendable
    /// Transforms one record.
    func map(_ input: Input) throws -> Output
}

/// A predicate as a type, for stages the compiler can inline into the fused loop (see ``MapFunction``).
public protocol FilterFunction<Element>: Sendable {
    /// The type of the records tested.
    associatedtype Element: Sendable
    /// Whether `element` is kept.
    func isIncluded(_ element: Element) throws -> Bool
}

/// Transforms each record with a ``MapFunction``: ``Map`` for functions written as types.
public struct MapWith<Function: MapFunction>: FusableStage {
    public typealias Input = Function.Input
    public typealias Output = Function.Output

    public var attributes = StageAttributes(kind: "Map")
    @usableFromInline let function: Function
    @usableFromInline var ordinal = 0

    /// Creates a map stage running `function`.
    public init(_ function: Function) {
        self.function = function
    }

    @inlinable public static var isOneToOne: Bool { true }
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
        try collector.collect(try apply(record, timestamp: &timestamp)!, at: timestamp)
    }

    @inlinable @inline(__always)
    public mutating func apply(_ record: Input, timestamp: inout EventTime) throws -> Output? {
        do {
            return try function.map(record)
        } catch {
            throw StageFailure(stage: ordinal, record: FlowError.describe(record), underlying: error)
        }
    }
}

/// Keeps the records a ``FilterFunction`` includes: ``Filter`` for predicates written as types.
public struct FilterWith<Function: FilterFunction>: FusableStage {
    public typealias Input = Function.Element
    public typealias Output = Function.Element

    public var attributes = StageAttributes(kind: "Filter")
    @usableFromInline let function: Function
    @usableFromInline var ordinal = 0

    /// Creates a filter stage running `function`.
    public init(_ function: Function) {
        self.function = function
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
        if let kept = try apply(record, timestamp: &timestamp) { try collector.collect(kept, at: timestamp) }
    }

    @inlinable @inline(__always)
    public mutating func apply(_ record: Input, timestamp: inout EventTime) throws -> Output? {
        let keep: Bool
        do {
            keep = try function.isIncluded(record)
        } catch {
            throw StageFailure(stage: ordinal, record: FlowError.describe(record), underlying: error)
        }
        return keep ? record : nil
    }
}
