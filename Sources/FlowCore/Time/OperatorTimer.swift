/// A timer of a keyed operator: for `key` in `namespace`, at `time` (milliseconds on its domain's
/// clock), held in the key's `keyGroup`.
///
/// A ``TimerService`` holds at most one timer per (key, namespace, time) and domain.
public struct OperatorTimer<Key: Hashable & Sendable, Namespace: Hashable & Sendable>: Hashable, Sendable, CustomStringConvertible {
    /// The key the timer was registered for.
    public var key: Key
    /// The namespace (a window…; ``EmptyNamespace`` for none).
    public var namespace: Namespace
    /// When the timer is due, in milliseconds.
    public var time: Int64
    /// The key group of `key`, which holds the timer.
    public var keyGroup: Int

    @inlinable
    public init(key: Key, namespace: Namespace, time: Int64, keyGroup: Int) {
        self.key = key
        self.namespace = namespace
        self.time = time
        self.keyGroup = keyGroup
    }

    public var description: String { "timer(\(key), \(namespace), at \(time), key group \(keyGroup))" }
}
