/// The namespace of keyed state that has none (a running aggregate per key, not per window):
/// zero-size, so a state keyed by it stores nothing for it, and its hashing folds away.
@frozen
public struct EmptyNamespace: StableHashable, Hashable, Sendable, CustomStringConvertible {
    @inlinable
    public init() {}

    /// Feeds nothing: the namespace adds nothing to a key's identity.
    @inlinable
    public func stableHash(into hasher: inout StableHasher) {}

    @inlinable
    public static func == (lhs: EmptyNamespace, rhs: EmptyNamespace) -> Bool { true }

    @inlinable
    public func hash(into hasher: inout Hasher) {}

    public var description: String { "∅" }
}
