public import FlowCore

/// A keyed running reduce: for every record, combines it with the reduced value so far of its
/// key and emits the new value (Flink's `KeyedStream.reduce`). Follows a ``KeyBy``.
public struct Reduce<Element: Sendable>: ConfigurableStage, Sendable {
    public var attributes = StageAttributes(kind: "Reduce")
    /// Combines the value so far with the next record.
    public let combine: @Sendable (Element, Element) throws -> Element

    /// Creates a running reduce.
    public init(_ combine: @escaping @Sendable (Element, Element) throws -> Element) {
        self.combine = combine
    }
}

/// A reduce function as a type, for keyed reduces the compiler can inline into the operator's loop
/// (see ``MapFunction``): ``ReduceWith`` runs one.
///
/// ```swift
/// struct LatestPrice: ReduceFunction {
///     func reduce(_ accumulated: Bid, _ next: Bid) -> Bid { next.dateTime >= accumulated.dateTime ? next : accumulated }
/// }
/// ```
public protocol ReduceFunction<Element>: Sendable {
    /// The type of the records reduced.
    associatedtype Element: Sendable
    /// Combines a key's reduced value so far with its next record.
    func reduce(_ accumulated: Element, _ next: Element) throws -> Element
}

/// A ``ReduceFunction`` from a closure: what ``Reduce`` runs.
public struct ClosureReduceFunction<Element: Sendable>: ReduceFunction {
    @usableFromInline let combine: @Sendable (Element, Element) throws -> Element

    @inlinable
    public init(_ combine: @escaping @Sendable (Element, Element) throws -> Element) {
        self.combine = combine
    }

    @inlinable @inline(__always)
    public func reduce(_ accumulated: Element, _ next: Element) throws -> Element { try combine(accumulated, next) }
}

/// A keyed running reduce with a ``ReduceFunction``: ``Reduce`` for functions written as types, so
/// the combine step is inlined into the operator's loop. Follows a ``KeyBy``.
///
/// ```swift
/// KeyBy { (bid: Bid) in bid.auction }
/// ReduceWith(LatestPrice())
/// ```
public struct ReduceWith<Function: ReduceFunction>: ConfigurableStage, Sendable {
    public var attributes = StageAttributes(kind: "Reduce")
    /// Combines the value so far with the next record.
    public let function: Function

    /// Creates a running reduce with `function`.
    public init(_ function: Function) {
        self.function = function
    }
}

/// The operator behind ``Reduce`` and ``ReduceWith``: one reduced value per key, in a
/// ``RAMValueState``.
///
/// Its state covers the key groups of the instance from ``open(context:)``; unopened (a test
/// driving ``process(_:into:)`` directly) it covers every key group of the default max
/// parallelism, as the only instance of its stage.
///
/// ## Concurrency
/// An instance, and the state it owns, is confined to the task that runs it.
public struct KeyedReduceOperator<Function: ReduceFunction, Key: Hashable & Sendable & StableHashable>: OneInputOperator {
    public typealias Element = Function.Element
    public typealias Input = Element
    public typealias Output = Element

    @usableFromInline let key: @Sendable (Element) throws -> Key
    @usableFromInline let function: Function
    /// The reduced value of each key.
    @usableFromInline var state = _OperatorValueState<Key, Element>(name: "reduce")  // protected by the owning task (confinement)

    /// A reduce by `key` with `function`.
    public init(key: @escaping @Sendable (Element) throws -> Key, function: Function) {
        self.key = key
        self.function = function
    }

    /// A reduce by `key` with the closure `combine`.
    public init<Element>(key: @escaping @Sendable (Element) throws -> Key, combine: @escaping @Sendable (Element, Element) throws -> Element)
    where Function == ClosureReduceFunction<Element> {
        self.init(key: key, function: ClosureReduceFunction(combine))
    }

    /// The number of keys with state (for tests and inspection).
    public var keyCount: Int { state.values.count }

    /// The reduced value of `key`, if any (for tests and inspection).
    public func value(of key: Key) -> Element? {
        state.values.value(for: key, namespace: EmptyNamespace(), hash: key.stableHashValue)
    }

    /// Takes the instance's key groups and max parallelism from `context`.
    ///
    /// - Throws: ``FlowError/Code/stateRestoreFailed`` if state restored before opening holds keys
    ///   the instance does not own.
    public mutating func open(context: OperatorContext) throws {
        try state.open(context: context)
    }

    /// Emits, per record, the new reduced value of its key.
    ///
    /// - Throws: ``RecordFailure`` naming the record and what failed: the key selector, the
    ///   reduce function, or a key not equal to itself (``KeyNotEqualToItself``).
    /// - Complexity: O(input.count): per record, one key selector call, one stable hash, one probe
    ///   and at most one call of the function; no allocation in steady state.
    @inlinable
    public mutating func process(_ input: inout Batch<Element>, into output: inout Batch<Element>) throws {
        let function = self.function
        try output.withAppender(reservingCapacity: input.count) { output in
            try input.withUnsafeBuffers { records, timestamps in
                for index in records.indices {
                    let record = records[index]
                    let keyValue = try _stateKey(of: record, at: index, by: key)
                    do {
                        let reduced = try state.values.modify(keyValue, namespace: EmptyNamespace(), hash: keyValue.stableHashValue) { value in
                            let reduced = try value.map { try function.reduce($0, record) } ?? record
                            value = reduced
                            return reduced
                        }
                        output.append(reduced, at: timestamps[index])
                    } catch {
                        throw RecordFailure(stage: 0, recordIndex: index, record: FlowError.describe(record), underlying: error)
                    }
                }
            }
        }
        input.removeAll(keepingCapacity: true)
    }

    /// Adds the reduced value of every key to `snapshot`, per key group.
    ///
    /// - Throws: ``FlowError/Code/internalError`` if `snapshot` is for another checkpoint, operator
    ///   uid or max parallelism.
    /// - Complexity: O(keys).
    public mutating func snapshotState(checkpoint: Int64, into snapshot: inout KeyedStateSnapshot) throws {
        try state.snapshot(checkpoint: checkpoint, into: &snapshot)
    }

    /// Replaces the state with the one `snapshot` holds for this operator.
    ///
    /// - Throws: ``FlowError/Code/stateRestoreFailed`` if the snapshot belongs to another operator
    ///   uid, holds key groups this instance does not own, was cut with another max parallelism, or
    ///   holds values of another type.
    /// - Complexity: O(keys restored).
    public mutating func restoreState(from snapshot: KeyedStateSnapshot) throws {
        try state.restore(from: snapshot)
    }
}

extension KeyedReduceOperator: Sendable {}
