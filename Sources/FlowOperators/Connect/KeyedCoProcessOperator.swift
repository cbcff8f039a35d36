public import FlowCore

/// The operator behind `ConnectedKeyedStreams.process(_:)`: runs a ``KeyedCoProcessFunction``
/// with one state value per key, in a ``RAMValueState``.
///
/// Its state covers the key groups of the instance from ``open(context:)``; unopened (a test
/// driving ``process(_:into:)`` directly) it covers every key group of the default max
/// parallelism, as the only instance of its stage.
///
/// ## Concurrency
/// An instance, and the state it owns, is confined to the task that runs it.
public struct KeyedCoProcessOperator<Function: KeyedCoProcessFunction>: OneInputOperator {
    public typealias Input = CoElement<Function.First, Function.Second>
    public typealias Output = Function.Output

    @usableFromInline let keyFirst: @Sendable (Function.First) throws -> Function.Key
    @usableFromInline let keySecond: @Sendable (Function.Second) throws -> Function.Key
    @usableFromInline let function: Function
    /// The state of each key that has one.
    @usableFromInline var states = _OperatorValueState<Function.Key, Function.State>(name: "coProcess")  // protected by the owning task (confinement)

    /// An operator running `function`, finding the key of a first-input record with `keyFirst`
    /// and of a second-input record with `keySecond` (the key selectors of the two `keyBy`s).
    public init(
        keyFirst: @escaping @Sendable (Function.First) throws -> Function.Key,
        keySecond: @escaping @Sendable (Function.Second) throws -> Function.Key,
        function: Function
    ) {
        self.keyFirst = keyFirst
        self.keySecond = keySecond
        self.function = function
    }

    /// The number of keys with state (for tests and inspection).
    public var keyCount: Int { states.values.count }

    /// The state of `key`, if any (for tests and inspection).
    public func state(of key: Function.Key) -> Function.State? {
        states.values.value(for: key, namespace: EmptyNamespace(), hash: key.stableHashValue)
    }

    /// Takes the instance's key groups and max parallelism from `context`.
    ///
    /// - Throws: ``FlowError/Code/stateRestoreFailed`` if state restored before opening holds keys
    ///   the instance does not own.
    public mutating func open(context: OperatorContext) throws {
        try states.open(context: context)
    }

    /// Passes each record, with its key and the key's state, to the function of its input.
    ///
    /// - Throws: ``RecordFailure`` naming the record and what failed (``RecordFailure/Origin``):
    ///   a key selector or the function threw, or a key is not equal to itself
    ///   (``KeyNotEqualToItself``).
    /// - Complexity: O(input.count): per record, one key selector call, one stable hash, one probe
    ///   and one call of the user's function; no allocation in steady state.
    @inlinable
    public mutating func process(_ input: inout Batch<Input>, into output: inout Batch<Output>) throws {
        let function = self.function
        let keyFirst = self.keyFirst
        let keySecond = self.keySecond
        try output.withAppender(reservingCapacity: input.count) { appender in
            try input.withUnsafeBuffers { records, timestamps in
                for index in records.indices {
                    let record = records[index]
                    let key = try _stateKey(of: record, at: index) { record in
                        switch record {
                        case .first(let value): try keyFirst(value)
                        case .second(let value): try keySecond(value)
                        }
                    }
                    do {
                        try states.values.modify(key, namespace: EmptyNamespace(), hash: key.stableHashValue) { state in
                            switch record {
                            case .first(let value):
                                try function.processFirst(value, at: timestamps[index], key: key, state: &state, into: &appender)
                            case .second(let value):
                                try function.processSecond(value, at: timestamps[index], key: key, state: &state, into: &appender)
                            }
                        }
                    } catch {
                        throw RecordFailure(stage: 0, recordIndex: index, record: FlowError.describe(record), underlying: error)
                    }
                }
            }
        }
        input.removeAll(keepingCapacity: true)
    }

    /// Adds the state of every key to `snapshot`, per key group.
    ///
    /// - Throws: ``FlowError/Code/internalError`` if `snapshot` is for another checkpoint, operator
    ///   uid or max parallelism.
    /// - Complexity: O(keys).
    public mutating func snapshotState(checkpoint: Int64, into snapshot: inout KeyedStateSnapshot) throws {
        try states.snapshot(checkpoint: checkpoint, into: &snapshot)
    }

    /// Replaces the state with the one `snapshot` holds for this operator.
    ///
    /// - Throws: ``FlowError/Code/stateRestoreFailed`` if the snapshot belongs to another operator
    ///   uid, holds key groups this instance does not own, was cut with another max parallelism, or
    ///   holds states of another type.
    /// - Complexity: O(keys restored).
    public mutating func restoreState(from snapshot: KeyedStateSnapshot) throws {
        try states.restore(from: snapshot)
    }
}

extension KeyedCoProcessOperator: Sendable {}
