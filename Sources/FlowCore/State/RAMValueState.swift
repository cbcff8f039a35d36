/// Keyed value state in memory: one hash table of live Swift values per key group the instance
/// owns (the RAM tier).
///
/// ```
/// record ─key─► hash (once) ─┬─► key group ─► that group's table
///                            └─⊕ namespace hash ─► probe hash ─► slot ─► value, updated in place
/// ```
/// Each table is Flow's own open addressing keyed by the stable hash (not `Dictionary`), so what
/// a table holds and the order ``forEach(keyGroup:_:)`` and ``snapshot(into:name:)`` visit it in
/// (ascending probe hash; entries whose probe hashes are equal in insertion order) are the same in
/// every process, whatever the hash seed or the order the keys came in. For ``EmptyNamespace`` the
/// probe hash is the key's hash itself.
///
/// ```swift
/// var sums = RAMValueState<String, EmptyNamespace, Int>(keyGroups: context.keyGroupRange,
///                                                      maxParallelism: context.maxParallelism)
/// let hash = key.stableHashValue
/// let sum = sums.update(key, namespace: EmptyNamespace(), hash: hash, default: { 0 }) { sum in
///     sum += price
///     return sum
/// }
/// ```
///
/// ## Concurrency
/// A value (copy-on-write), confined to the operator instance that owns it, on its task.
public struct RAMValueState<Key: StableHashable & Hashable & Sendable, Namespace: StableHashable & Hashable & Sendable, Value: Sendable>:
    KeyedValueState
{
    /// The key groups this state holds entries of.
    public let keyGroups: KeyGroupRange
    /// The number of key groups keys are hashed into.
    public let maxParallelism: Int
    /// One table per owned key group, at `group - keyGroups.lowerBound`.
    @usableFromInline var tables: [_ValueTable<Key, Namespace, Value>]

    /// Empty state for the instance owning `keyGroups` of `maxParallelism` key groups.
    public init(keyGroups: KeyGroupRange, maxParallelism: Int) {
        precondition(
            maxParallelism >= 1 && keyGroups.lowerBound >= 0 && keyGroups.upperBound <= maxParallelism,
            "RAMValueState: key groups \(keyGroups) outside 0..<\(maxParallelism)")
        self.keyGroups = keyGroups
        self.maxParallelism = maxParallelism
        tables = Array(repeating: _ValueTable(), count: keyGroups.count)
    }

    /// The number of (key, namespace) entries.
    ///
    /// - Complexity: O(owned key groups).
    public var count: Int { tables.reduce(0) { $0 + $1.count } }

    /// The probe hash of a key's hash in `namespace` (never 0, the empty slot's tag).
    @inlinable @inline(__always)
    static func tag(_ hash: UInt64, _ namespace: Namespace) -> UInt64 {
        var tag = hash
        if Namespace.self != EmptyNamespace.self {
            var hasher = StableHasher(seed: hash)
            namespace.stableHash(into: &hasher)
            tag = hasher.finalize()
        }
        return tag == 0 ? 1 : tag
    }

    /// The index in ``tables`` of the key group of `hash`.
    ///
    /// - Precondition: the key group is owned (the record was routed to this instance).
    @inlinable @inline(__always)
    func table(_ hash: UInt64) -> Int {
        let group = KeyGroup(hash: hash, maxParallelism: maxParallelism).index
        let index = group &- keyGroups.lowerBound
        if _slowPath(index < 0 || index >= tables.count) { Self.unowned(group, keyGroups) }
        return index
    }

    @usableFromInline @inline(never)
    static func unowned(_ group: Int, _ keyGroups: KeyGroupRange) -> Never {
        preconditionFailure(
            "RAMValueState: a key of key group \(group) reached the instance owning \(keyGroups); "
                + "records must be partitioned by the same key and max parallelism as the state")
    }

    /// Passes the value of (`key`, `namespace`) — created with `makeDefault` if absent — to `body`,
    /// which updates it in place, and returns `body`'s result.
    ///
    /// `makeDefault` is called only for a new entry, before it is inserted: if it throws, nothing
    /// changes. If `body` throws, the entry keeps what `body` left in it.
    ///
    /// - Parameter hash: `key.stableHashValue`, computed once per record by the caller (and used
    ///   for its key group).
    /// - Precondition: the key's group is one of ``keyGroups``.
    /// - Complexity: one probe, O(1) expected; a new entry may shift a short run of slots and,
    ///   amortized O(1), grow the table. No allocation in steady state; the value is not copied.
    @inlinable
    public mutating func update<R>(
        _ key: Key, namespace: Namespace, hash: UInt64, default makeDefault: () throws -> Value,
        _ body: (inout Value) throws -> R
    ) rethrows -> R {
        let index = table(hash)
        return try tables[index].update(Self.tag(hash, namespace), key, namespace, default: makeDefault, body)
    }

    /// Passes the value of (`key`, `namespace`), `nil` if absent, to `body`; afterwards (also if
    /// `body` throws) a value `body` left is stored and `nil` removes the entry.
    ///
    /// - Parameter hash: `key.stableHashValue`, computed once per record by the caller.
    /// - Precondition: the key's group is one of ``keyGroups``.
    /// - Complexity: one probe, O(1) expected; the value is moved out and back, not copied.
    @inlinable
    public mutating func modify<R>(_ key: Key, namespace: Namespace, hash: UInt64, _ body: (inout Value?) throws -> R) rethrows -> R {
        let index = table(hash)
        return try tables[index].modify(Self.tag(hash, namespace), key, namespace, body)
    }

    /// The value of (`key`, `namespace`), if any.
    ///
    /// - Precondition: the key's group is one of ``keyGroups``.
    /// - Complexity: one probe, O(1) expected.
    @inlinable
    public func value(for key: Key, namespace: Namespace, hash: UInt64) -> Value? {
        tables[table(hash)].value(Self.tag(hash, namespace), key, namespace)
    }

    /// Removes the entry of (`key`, `namespace`) and returns its value, if any.
    ///
    /// - Precondition: the key's group is one of ``keyGroups``.
    /// - Complexity: one probe, O(1) expected, and a shift of the rest of its run.
    @inlinable
    @discardableResult
    public mutating func removeValue(for key: Key, namespace: Namespace, hash: UInt64) -> Value? {
        let index = table(hash)
        return tables[index].removeValue(Self.tag(hash, namespace), key, namespace)
    }

    /// Calls `body` with every entry of key group `keyGroup`, in ascending order of probe hash
    /// (the same order in every process, whatever order the entries came in).
    ///
    /// - Precondition: `keyGroup` is one of ``keyGroups``.
    /// - Complexity: O(the group's table capacity).
    @inlinable
    public func forEach(keyGroup: Int, _ body: (Key, Namespace, Value) throws -> Void) rethrows {
        precondition(keyGroups.contains(KeyGroup(keyGroup)), "RAMValueState.forEach: key group \(keyGroup) is not in \(keyGroups)")
        try tables[keyGroup - keyGroups.lowerBound].forEach { _, key, namespace, value in try body(key, namespace, value) }
    }

    /// Stores the entries of each owned key group that has any in `snapshot`, as
    /// `[KeyedStateEntry<Key, Namespace, Value>]` under `name`, in ``forEach(keyGroup:_:)``'s order.
    ///
    /// - Precondition: `snapshot` was cut with this state's max parallelism.
    /// - Complexity: O(count) plus one array per key group with entries.
    public func snapshot(into snapshot: inout KeyedStateSnapshot, name: String) {
        precondition(
            snapshot.maxParallelism == maxParallelism,
            "RAMValueState.snapshot: the snapshot has \(snapshot.maxParallelism) key groups, the state \(maxParallelism)")
        for (index, table) in tables.enumerated() where table.count > 0 {
            var entries: [KeyedStateEntry<Key, Namespace, Value>] = []
            entries.reserveCapacity(table.count)
            table.forEach { _, key, namespace, value in entries.append(KeyedStateEntry(key: key, namespace: namespace, value: value)) }
            snapshot.set(entries, state: name, keyGroup: keyGroups.lowerBound + index)
        }
    }

    /// Replaces every entry with those `snapshot` holds under `name`.
    ///
    /// - Throws: ``FlowError/Code/stateRestoreFailed`` (and leaves the state empty) if the snapshot
    ///   was cut with another max parallelism, holds state `name` for a key group this state does
    ///   not own, holds entries of another type under `name`, or holds an entry in a key group its
    ///   key does not hash to.
    /// - Complexity: O(entries restored).
    public mutating func restore(from snapshot: KeyedStateSnapshot, name: String) throws {
        tables = Array(repeating: _ValueTable(), count: keyGroups.count)
        guard snapshot.maxParallelism == maxParallelism else {
            throw FlowError(
                .stateRestoreFailed,
                "state '\(name)' of operator '\(snapshot.operatorID)' was cut into "
                    + "\(snapshot.maxParallelism) key groups, but this state has \(maxParallelism)", stageID: snapshot.operatorID)
        }
        let groups = snapshot.keyGroups
        let unowned = groups.filter { !keyGroups.contains(KeyGroup($0)) && snapshot.stateNames(keyGroup: $0).contains(name) }
        if !unowned.isEmpty {
            throw FlowError(
                .stateRestoreFailed,
                "state '\(name)' of operator '\(snapshot.operatorID)' holds key groups "
                    + "\(KeyedStateSnapshot.describe(unowned)) that the instance owning \(keyGroups) does not own: "
                    + "restrict the snapshot to the instance's key groups first", stageID: snapshot.operatorID)
        }
        for group in groups {
            guard let entries = try snapshot.entries([KeyedStateEntry<Key, Namespace, Value>].self, state: name, keyGroup: group) else { continue }
            for entry in entries {
                let hash = entry.key.stableHashValue
                let actual = KeyGroup(hash: hash, maxParallelism: maxParallelism).index
                guard actual == group else {
                    tables = Array(repeating: _ValueTable(), count: keyGroups.count)
                    throw FlowError(
                        .stateRestoreFailed,
                        "state '\(name)' of operator '\(snapshot.operatorID)' holds the key "
                            + "\(FlowError.describe(entry.key)) in key group \(group), but it hashes to key group \(actual): "
                            + "the key type's stable hash changed since the snapshot", stageID: snapshot.operatorID)
                }
                update(entry.key, namespace: entry.namespace, hash: hash, default: { entry.value }) { $0 = entry.value }
            }
        }
    }

    /// Moves this state to the instance owning `keyGroups` of `maxParallelism` (an operator opened
    /// after it was used or restored with its default range): a no-op if nothing changes, else
    /// the entries are re-homed.
    ///
    /// - Throws: ``FlowError/Code/stateRestoreFailed`` if an entry's key group is not in
    ///   `keyGroups`, or the state holds entries and `maxParallelism` differs.
    /// - Complexity: O(count).
    public mutating func rehome(keyGroups newGroups: KeyGroupRange, maxParallelism newMaxParallelism: Int) throws {
        if newGroups == keyGroups && newMaxParallelism == maxParallelism { return }
        var moved = RAMValueState(keyGroups: newGroups, maxParallelism: newMaxParallelism)
        if count > 0 {
            var snapshot = KeyedStateSnapshot(operatorID: "", checkpointID: 0, maxParallelism: maxParallelism)
            self.snapshot(into: &snapshot, name: "value")
            try moved.restore(from: snapshot, name: "value")
        }
        self = moved
    }
}
