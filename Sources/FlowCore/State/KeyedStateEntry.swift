/// One entry of keyed value state as a snapshot stores it: a key, its namespace and its value.
///
/// ``RAMValueState`` stores the entries of each key group as `[KeyedStateEntry<Key, Namespace,
/// Value>]` in a ``KeyedStateSnapshot``, in ascending order of the entries' probe hash.
public struct KeyedStateEntry<Key: Sendable, Namespace: Sendable, Value: Sendable>: Sendable {
    /// The key.
    public var key: Key
    /// The namespace (``EmptyNamespace`` for state without one).
    public var namespace: Namespace
    /// The value.
    public var value: Value

    @inlinable
    public init(key: Key, namespace: Namespace, value: Value) {
        self.key = key
        self.namespace = namespace
        self.value = value
    }
}

extension KeyedStateEntry: Equatable where Key: Equatable, Namespace: Equatable, Value: Equatable {}
