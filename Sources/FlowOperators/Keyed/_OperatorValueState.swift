public import FlowCore

/// The keyed state of a keyed operator (reduce, aggregate, co-process): one value per key in a
/// ``RAMValueState`` with ``EmptyNamespace``, and what opening, snapshotting and restoring it
/// takes. Not API.
///
/// Until `open(context:)` the state covers every key group of the default max parallelism
/// (0..<``KeyGroup/defaultMaxParallelism``), as the only instance of its stage would, so an
/// operator driven directly (a test calling `process`) works unopened. Opening re-homes it to the
/// instance's key groups: empty state is simply replaced; state restored or built before opening
/// moves, and an entry the instance does not own is an error.
///
/// ## Concurrency
/// Confined to the operator instance that owns it, on its task.
@usableFromInline
struct _OperatorValueState<Key: StableHashable & Hashable & Sendable, Value: Sendable>: Sendable {
    /// The values, per key.
    @usableFromInline var values: RAMValueState<Key, EmptyNamespace, Value>  // protected by the owning task (confinement)
    /// The stage uid from `open(context:)`, or `nil` while unopened.
    @usableFromInline var operatorID: String?
    /// The name of the state in a snapshot.
    @usableFromInline let name: String

    @usableFromInline
    init(name: String) {
        self.name = name
        values = RAMValueState(
            keyGroups: KeyGroupRange(lowerBound: 0, upperBound: KeyGroup.defaultMaxParallelism),
            maxParallelism: KeyGroup.defaultMaxParallelism)
    }

    @usableFromInline
    mutating func open(context: OperatorContext) throws {
        operatorID = context.stageID
        try values.rehome(keyGroups: context.keyGroupRange, maxParallelism: context.maxParallelism)
    }

    /// Adds the state to `snapshot`.
    ///
    /// - Throws: ``FlowError/Code/internalError`` if `snapshot` is for another checkpoint, another
    ///   operator uid or another max parallelism than this state's.
    @usableFromInline
    func snapshot(checkpoint: Int64, into snapshot: inout KeyedStateSnapshot) throws {
        guard snapshot.checkpointID == checkpoint, operatorID.map({ $0 == snapshot.operatorID }) ?? true,
            snapshot.maxParallelism == values.maxParallelism
        else {
            throw FlowError(
                .internalError,
                "state '\(name)' of operator '\(operatorID ?? "(unopened)")' with "
                    + "\(values.maxParallelism) key groups, for checkpoint \(checkpoint), cannot be written into the "
                    + "snapshot of operator '\(snapshot.operatorID)' for checkpoint \(snapshot.checkpointID) with "
                    + "\(snapshot.maxParallelism) key groups", stageID: operatorID)
        }
        values.snapshot(into: &snapshot, name: name)
    }

    /// Replaces the state with the one in `snapshot`, after checking it belongs to this operator
    /// (an unopened operator has no uid yet, so only its key groups and max parallelism are checked).
    @usableFromInline
    mutating func restore(from snapshot: KeyedStateSnapshot) throws {
        try snapshot.validate(
            forOperator: operatorID ?? snapshot.operatorID, keyGroups: values.keyGroups,
            maxParallelism: values.maxParallelism)
        try values.restore(from: snapshot, name: name)
    }
}
