/// Keyed value state: one value per (key, namespace), held per key group for the key groups one
/// operator instance owns, and snapshotted and restored per key group.
///
/// The caller computes a record's key hash once (`key.stableHashValue`) and passes it to every
/// call for that record; the state derives the key group from it
/// (``KeyGroup/init(hash:maxParallelism:)``) and combines it with the namespace's hash to probe.
/// Operators are generic over their state type, so each call is specialized, not an existential
/// call. ``RAMValueState`` is the in-memory implementation.
///
/// ## Concurrency
/// A state value is confined to the operator instance that owns it, on its task.
public protocol KeyedValueState<Key, Namespace, Value>: Sendable {
    /// The key type.
    associatedtype Key: StableHashable & Hashable & Sendable
    /// The namespace type (a window, a timer domain…; ``EmptyNamespace`` for none).
    associatedtype Namespace: StableHashable & Hashable & Sendable
    /// The value stored per (key, namespace).
    associatedtype Value: Sendable

    /// The key groups this state holds entries of.
    var keyGroups: KeyGroupRange { get }
    /// The number of key groups keys are hashed into.
    var maxParallelism: Int { get }
    /// The number of (key, namespace) entries.
    var count: Int { get }

    /// Passes the value of (`key`, `namespace`), created with `makeDefault` if absent, to `body`
    /// to update in place, and returns `body`'s result.
    ///
    /// - Parameter hash: `key.stableHashValue`, computed once per record by the caller.
    /// - Complexity: one probe, O(1) expected; no allocation in steady state.
    mutating func update<R>(
        _ key: Key, namespace: Namespace, hash: UInt64, default makeDefault: () throws -> Value,
        _ body: (inout Value) throws -> R
    ) rethrows -> R

    /// Passes the value of (`key`, `namespace`), `nil` if absent, to `body`; a value `body` leaves
    /// is stored, `nil` removes the entry.
    ///
    /// - Complexity: one probe, O(1) expected; no allocation in steady state.
    mutating func modify<R>(_ key: Key, namespace: Namespace, hash: UInt64, _ body: (inout Value?) throws -> R) rethrows -> R

    /// The value of (`key`, `namespace`), if any.
    ///
    /// - Complexity: one probe, O(1) expected.
    func value(for key: Key, namespace: Namespace, hash: UInt64) -> Value?

    /// Removes the entry of (`key`, `namespace`) and returns its value, if any.
    ///
    /// - Complexity: one probe, O(1) expected.
    mutating func removeValue(for key: Key, namespace: Namespace, hash: UInt64) -> Value?

    /// Calls `body` with every entry of key group `keyGroup`, in a deterministic order that does
    /// not depend on the process's hash seed.
    ///
    /// - Complexity: O(entries of the key group).
    func forEach(keyGroup: Int, _ body: (Key, Namespace, Value) throws -> Void) rethrows

    /// Stores this state's entries in `snapshot` under `name`, per key group.
    ///
    /// - Complexity: O(count).
    func snapshot(into snapshot: inout KeyedStateSnapshot, name: String)

    /// Replaces this state's entries with those `snapshot` holds under `name`.
    ///
    /// - Throws: ``FlowError/Code/stateRestoreFailed`` if the snapshot holds entries for key groups
    ///   this state does not own, was cut with another max parallelism, or its entries are of
    ///   another type.
    /// - Complexity: O(entries restored).
    mutating func restore(from snapshot: KeyedStateSnapshot, name: String) throws
}
