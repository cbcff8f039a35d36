/// The keyed part of one operator instance's snapshot for one checkpoint: per key group, per
/// state name, that state's entries.
///
/// ```
/// operator uid, checkpoint id, max parallelism
///   └─ key group ─┬─ state name ─► entries (a typed array: [KeyedStateEntry<…>], [OperatorTimer<…>])
///                 └─ state name ─► entries
/// ```
/// Snapshots are cut by key group, so a job restores at another parallelism: the snapshots of the
/// old instances are merged (``merging(_:)``), then cut to each new instance's key groups
/// (``restricted(to:)``) and checked (``validate(forOperator:keyGroups:maxParallelism:)``).
///
/// The entries are live Swift values for now (the tiered-state work replaces them with encoded
/// bytes); reading them back with another type is a ``FlowError/Code/stateRestoreFailed`` error.
public struct KeyedStateSnapshot: Sendable {
    /// The stable uid of the stage whose state this is.
    public let operatorID: String
    /// The checkpoint this snapshot belongs to.
    public let checkpointID: Int64
    /// The number of key groups the state was cut into (the stage's max parallelism).
    public let maxParallelism: Int
    /// Per key group, per state name, the entries.
    @usableFromInline var groups: [Int: [String: any Sendable]] = [:]

    /// An empty snapshot of `operatorID`'s keyed state for checkpoint `checkpointID`.
    public init(operatorID: String, checkpointID: Int64, maxParallelism: Int) {
        precondition(maxParallelism >= 1, "KeyedStateSnapshot: max parallelism \(maxParallelism) < 1")
        self.operatorID = operatorID
        self.checkpointID = checkpointID
        self.maxParallelism = maxParallelism
    }

    /// Stores `entries` as state `state` of key group `keyGroup`, replacing any entries stored there.
    ///
    /// - Precondition: `keyGroup` is in `0..<maxParallelism`.
    /// - Complexity: O(1) amortized.
    public mutating func set(_ entries: some Sendable, state: String, keyGroup: Int) {
        precondition(
            keyGroup >= 0 && keyGroup < maxParallelism,
            "KeyedStateSnapshot.set: key group \(keyGroup) outside 0..<\(maxParallelism) (state '\(state)' of '\(operatorID)')")
        groups[keyGroup, default: [:]][state] = entries
    }

    /// The entries of state `state` in key group `keyGroup`, or `nil` if there are none.
    ///
    /// - Throws: ``FlowError/Code/stateRestoreFailed`` if the entries are not of type `T` (the
    ///   message names the state, the key group and both types).
    /// - Complexity: O(1).
    public func entries<T>(_: T.Type, state: String, keyGroup: Int) throws -> T? {
        guard let stored = groups[keyGroup]?[state] else { return nil }
        guard let typed = stored as? T else { throw typeMismatch(stored, expected: T.self, state: state, keyGroup: keyGroup) }
        return typed
    }

    @inline(never)
    private func typeMismatch(_ stored: any Sendable, expected: Any.Type, state: String, keyGroup: Int) -> FlowError {
        FlowError(
            .stateRestoreFailed,
            "state '\(state)' of key group \(keyGroup) in the snapshot of operator '\(operatorID)' (checkpoint \(checkpointID)) "
                + "holds \(type(of: stored)), not the \(expected) the operator reads: the operator's state type changed, "
                + "or two states share the name '\(state)'")
    }

    /// The key groups that hold any state, ascending.
    ///
    /// - Complexity: O(g log g) for g key groups with state.
    public var keyGroups: [Int] { groups.keys.sorted() }

    /// The names of the states key group `keyGroup` holds, sorted.
    public func stateNames(keyGroup: Int) -> [String] { groups[keyGroup].map { $0.keys.sorted() } ?? [] }

    /// Whether the snapshot holds no state at all.
    public var isEmpty: Bool { groups.isEmpty }

    /// The same snapshot holding only the key groups in `range`: what one instance owning `range`
    /// restores.
    ///
    /// - Complexity: O(g) for g key groups with state.
    public func restricted(to range: KeyGroupRange) -> KeyedStateSnapshot {
        var copy = self
        copy.groups = groups.filter { range.contains(KeyGroup($0.key)) }
        return copy
    }

    /// One snapshot holding the key groups of all `parts`: the snapshots of the old instances of
    /// one operator, to restore it at another parallelism.
    ///
    /// - Throws: ``FlowError/Code/stateRestoreFailed`` if `parts` is empty, or the parts belong to
    ///   different operator uids, checkpoints or max parallelisms, or two parts hold the same key
    ///   group (they are not the snapshots of distinct instances).
    /// - Complexity: O(g) for g key groups in all.
    public static func merging(_ parts: [KeyedStateSnapshot]) throws -> KeyedStateSnapshot {
        guard var merged = parts.first else {
            throw FlowError(.stateRestoreFailed, "KeyedStateSnapshot.merging: no snapshots to merge")
        }
        for (index, part) in parts.enumerated().dropFirst() {
            if part.operatorID != merged.operatorID {
                throw FlowError(
                    .stateRestoreFailed,
                    "cannot merge keyed state of operator '\(part.operatorID)' (part \(index)) "
                        + "into state of operator '\(merged.operatorID)': the parts must come from one operator uid")
            }
            if part.maxParallelism != merged.maxParallelism {
                throw FlowError(
                    .stateRestoreFailed,
                    "cannot merge keyed state of operator '\(part.operatorID)' cut into "
                        + "\(part.maxParallelism) key groups (part \(index)) with state cut into \(merged.maxParallelism)")
            }
            if part.checkpointID != merged.checkpointID {
                throw FlowError(
                    .stateRestoreFailed,
                    "cannot merge keyed state of operator '\(part.operatorID)' from checkpoint "
                        + "\(part.checkpointID) (part \(index)) with state from checkpoint \(merged.checkpointID)")
            }
            for (group, states) in part.groups {
                if merged.groups[group] != nil {
                    throw FlowError(
                        .stateRestoreFailed,
                        "cannot merge keyed state of operator '\(part.operatorID)': key group "
                            + "\(group) is in two parts (part \(index) and an earlier one), so they are not the "
                            + "snapshots of distinct instances")
                }
                merged.groups[group] = states
            }
        }
        return merged
    }

    /// Checks that this snapshot can be restored into the instance of operator `uid` that owns
    /// `keyGroups` of `maxParallelism`.
    ///
    /// - Throws: ``FlowError/Code/stateRestoreFailed`` naming what is wrong: the state belongs to
    ///   another operator uid, was cut into another number of key groups, or holds key groups the
    ///   instance does not own (restrict it first with ``restricted(to:)``).
    /// - Complexity: O(g log g) for g key groups with state.
    public func validate(forOperator uid: String, keyGroups range: KeyGroupRange, maxParallelism: Int) throws {
        if operatorID != uid {
            throw FlowError(
                .stateRestoreFailed,
                "the keyed state of operator '\(operatorID)' (checkpoint \(checkpointID)) "
                    + "cannot be restored into operator '\(uid)': restore each stage from its own uid's state",
                stageID: uid)
        }
        if self.maxParallelism != maxParallelism {
            throw FlowError(
                .stateRestoreFailed,
                "the keyed state of operator '\(operatorID)' was cut into \(self.maxParallelism) "
                    + "key groups, but the operator now has max parallelism \(maxParallelism): keep the max "
                    + "parallelism of a stage with state", stageID: uid)
        }
        let unowned = keyGroups.filter { !range.contains(KeyGroup($0)) }
        if !unowned.isEmpty {
            throw FlowError(
                .stateRestoreFailed,
                "the keyed state of operator '\(operatorID)' holds key groups "
                    + "\(Self.describe(unowned)) that the instance owning \(range) does not own: restrict the "
                    + "snapshot to the instance's key groups before restoring", stageID: uid)
        }
    }

    /// The first few of `groups`, for a message.
    static func describe(_ groups: [Int]) -> String {
        groups.count <= 8 ? "\(groups)" : "\(Array(groups.prefix(8)).description.dropLast()), … (\(groups.count) in all)]"
    }
}
