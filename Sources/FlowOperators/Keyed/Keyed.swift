public import FlowCore

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

extension Keyed: ByteSized where Key: ByteSized, Value: ByteSized {
    @inlinable public static var hasFixedByteSize: Bool { Key.hasFixedByteSize && Value.hasFixedByteSize }

    /// The key's and the value's sizes (their inline parts counted once, as the pair's stride).
    @inlinable
    public var byteSize: Int {
        MemoryLayout<Self>.stride &+ key.byteSize &- MemoryLayout<Key>.stride &+ value.byteSize &- MemoryLayout<Value>.stride
    }
}

/// Why a keyed stage refused a record whose key is not equal to itself (a floating-point NaN):
/// such a key could never find its own state. The stage throws it as the ``RecordFailure/underlying``
/// error of a ``RecordFailure`` whose origin is ``RecordFailure/Origin/key``.
public struct KeyNotEqualToItself: Error, Sendable, CustomStringConvertible {
    /// The key, described.
    public var key: String
    public init(key: String) { self.key = key }
    public var description: String { "the key \(key) is not equal to itself (a floating-point NaN?), so no keyed state can be found by it" }
}

extension KeyNotEqualToItself {
    /// The failure a keyed stage throws for `record`, at `index` in its batch, whose key is `key`.
    @usableFromInline @inline(never)
    static func failure(_ key: Any, record: Any, at index: Int) -> RecordFailure {
        RecordFailure(
            stage: 0, recordIndex: index, record: FlowError.describe(record), origin: .key,
            underlying: KeyNotEqualToItself(key: FlowError.describe(key)))
    }
}

/// The key of `record`, at `index` in its batch, by which a keyed stage finds its state: a throwing
/// `selector` fails as the key selector (``RecordFailure/Origin/keySelector``), a key not equal to
/// itself as the key (``RecordFailure/Origin/key``). Not API.
///
/// - Complexity: O(1) plus the selector; inlined into the keyed operators' loops.
@inlinable @inline(__always)
func _stateKey<Record, Key: Equatable>(of record: Record, at index: Int, by selector: (Record) throws -> Key) throws -> Key {
    let key: Key
    do {
        key = try selector(record)
    } catch {
        throw RecordFailure(stage: 0, recordIndex: index, record: FlowError.describe(record), origin: .keySelector, underlying: error)
    }
    if key != key { throw KeyNotEqualToItself.failure(key, record: record, at: index) }
    return key
}
