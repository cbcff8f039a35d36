/// A key and a value computed for it, as emitted by a keyed aggregation.
public struct Keyed<Key: Sendable, Value: Sendable>: Sendable, CustomStringConvertible {
    /// The key.
    public var key: Key
    /// The value computed for the key.
    public var value: Value

    public init(key: Key, value: Value) {
        self.key = key
        self.value = value
    }

    public var description: String { "(\(key), \(value))" }
}

extension Keyed: Equatable where Key: Equatable, Value: Equatable {}
extension Keyed: Hashable where Key: Hashable, Value: Hashable {}

/// Thrown by a keyed stage for a key that is not equal to itself (a floating-point NaN): such a
/// key could never find its own state.
public struct KeyNotEqualToItself: Error, Sendable, CustomStringConvertible {
    /// The key.
    public var key: String
    public init(key: String) { self.key = key }
    public var description: String { "the key \(key) is not equal to itself (NaN?): keyed state cannot be found by it" }
}
