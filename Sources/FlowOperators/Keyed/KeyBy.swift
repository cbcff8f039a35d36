public import FlowCore

/// Partitions a stream by key: records with equal keys go to the same parallel instance, so a
/// keyed stage after it (``Reduce``, ``Aggregate``) sees every record of its keys.
///
/// ```swift
/// KeyBy { (bid: Bid) in bid.auction }
/// ```
/// Keys are hashed with ``StableHasher`` into key groups, so the assignment is the same in every
/// process and after a restore.
public struct KeyBy<Element: Sendable, Key: Hashable & Sendable & StableHashable>: Sendable {
    /// The kind ("KeyBy") and the name given with ``name(_:)``. `KeyBy` is not a stage of its
    /// own but the key exchange in front of the next stage, so it takes no other modifier.
    public private(set) var attributes = StageAttributes(kind: "KeyBy")
    /// The key selector.
    public let key: @Sendable (Element) throws -> Key

    /// Partitions by the key `key` returns.
    public init(_ key: @escaping @Sendable (Element) throws -> Key) {
        self.key = key
    }

    /// Names the key exchange (shown by `explain()` on the edge: `hash(name: Key)`).
    public func name(_ name: String) -> KeyBy {
        var copy = self
        copy.attributes.name = name
        return copy
    }

    /// Partitions by the value at `keyPath`.
    ///
    /// - Complexity: a key-path read per record is slower than a closure; prefer a closure on
    ///   hot paths.
    public init(_ keyPath: KeyPath<Element, Key>) {
        // Key paths are immutable values; sharing one across tasks is safe.
        nonisolated(unsafe) let keyPath = keyPath
        key = { $0[keyPath: keyPath] }
    }
}
