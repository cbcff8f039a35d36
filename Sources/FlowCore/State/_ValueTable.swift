/// One key group's entries: an open-addressing hash table keyed by a 64-bit probe hash ("tag")
/// and (key, namespace), with linear probing in Robin Hood order. Not API.
///
/// A tag's home slot is its top bits. Each run of occupied slots is kept sorted by home and, for
/// equal homes, by tag (Robin Hood insertion with ties broken by tag; deletion shifts the run's
/// rest back). So the slots' contents depend only on the set of entries and the capacity, never
/// on the order they came in or on the process's hash seed, and
/// ``_ValueTableStorage/forEachSlotInTagOrder(_:)`` visits them in ascending tag order at any
/// capacity. Lookups stop at the first slot whose entry sorts after the one sought.
///
/// The table grows (doubling) when an insertion would fill more than 3/4 of its slots; it starts
/// with no storage.
///
/// ## Concurrency
/// A value type; a copy shares storage until either copy mutates (copy-on-write). Confined to
/// its owner like any value.
@usableFromInline
struct _ValueTable<Key: Equatable, Namespace: Equatable, Value> {
    @usableFromInline typealias Storage = _ValueTableStorage<Key, Namespace, Value>

    /// The slots, or `nil` before the first insertion.
    @usableFromInline var storage: Storage?

    @inlinable
    init() { storage = nil }

    /// The number of entries.
    @inlinable
    var count: Int { storage?.count ?? 0 }

    /// The slot of (`tag`, `key`, `namespace`) if present (`found`), else the slot it would be
    /// inserted at.
    ///
    /// - Complexity: O(1) expected.
    @inlinable @inline(__always)
    static func find(_ tag: UInt64, _ key: Key, _ namespace: Namespace, in storage: Storage) -> (found: Bool, slot: Int) {
        var slot = storage.home(tag)
        var distance = 0
        while true {
            let other = storage.tags[slot]
            if other == 0 { return (false, slot) }
            if other == tag && storage.keys[slot] == key && storage.namespaces[slot] == namespace { return (true, slot) }
            let otherDistance = (slot &- storage.home(other)) & storage.mask
            if otherDistance < distance || (otherDistance == distance && other > tag) { return (false, slot) }
            slot = (slot &+ 1) & storage.mask
            distance &+= 1
        }
    }

    /// Makes the storage unique and present, before a mutation.
    @inlinable @inline(__always)
    mutating func makeUnique() {
        if _slowPath(!isKnownUniquelyReferenced(&storage)) { makeUniqueSlowly() }
    }

    @inlinable @inline(never)
    mutating func makeUniqueSlowly() {
        storage = storage?.copy() ?? Storage(capacity: 8)
    }

    /// Whether one more entry fits without growing.
    @inlinable @inline(__always)
    static func hasRoom(_ storage: Storage) -> Bool {
        storage.count &+ 1 <= storage.capacity &- storage.capacity &>> 2
    }

    /// Doubles the capacity, moving every entry (the storage must be unique).
    ///
    /// - Complexity: O(capacity).
    @inlinable @inline(never)
    mutating func grow() {
        let old = storage.unsafelyUnwrapped
        let new = Storage(capacity: old.capacity &* 2)
        for slot in 0..<old.capacity where old.tags[slot] != 0 {
            let tag = old.tags[slot]
            let target = Self.find(tag, old.keys[slot], old.namespaces[slot], in: new).slot
            Self.openSlot(target, in: new)
            new.tags[target] = tag
            (new.keys + target).moveInitialize(from: old.keys + slot, count: 1)
            (new.namespaces + target).moveInitialize(from: old.namespaces + slot, count: 1)
            (new.values + target).moveInitialize(from: old.values + slot, count: 1)
            old.tags[slot] = 0
            new.count &+= 1
        }
        old.count = 0
        storage = new
    }

    /// Empties slot `slot` by shifting the run from it to the next empty slot one slot on.
    @inlinable @inline(__always)
    static func openSlot(_ slot: Int, in storage: Storage) {
        var empty = slot
        while storage.tags[empty] != 0 { empty = (empty &+ 1) & storage.mask }
        while empty != slot {
            let previous = (empty &- 1) & storage.mask
            storage.moveEntry(from: previous, to: empty)
            empty = previous
        }
    }

    /// Inserts an entry known to be absent at `slot` (from ``find(_:_:_:in:)``), growing first if
    /// needed; returns the slot it is in.
    @inlinable @inline(__always)
    mutating func insert(_ tag: UInt64, _ key: Key, _ namespace: Namespace, _ value: consuming Value, at slot: Int) -> Int {
        var slot = slot
        if _slowPath(!Self.hasRoom(storage.unsafelyUnwrapped)) {
            grow()
            slot = Self.find(tag, key, namespace, in: storage.unsafelyUnwrapped).slot
        }
        let storage = storage.unsafelyUnwrapped
        Self.openSlot(slot, in: storage)
        storage.tags[slot] = tag
        (storage.keys + slot).initialize(to: key)
        (storage.namespaces + slot).initialize(to: namespace)
        (storage.values + slot).initialize(to: value)
        storage.count &+= 1
        return slot
    }

    /// Empties occupied slot `slot` whose value was already moved out, and shifts the rest of its
    /// run back.
    @inlinable
    static func removeEntry(at slot: Int, valueMoved: Bool, in storage: Storage) {
        (storage.keys + slot).deinitialize(count: 1)
        (storage.namespaces + slot).deinitialize(count: 1)
        if !valueMoved { (storage.values + slot).deinitialize(count: 1) }
        storage.tags[slot] = 0
        storage.count &-= 1
        var hole = slot
        while true {
            let next = (hole &+ 1) & storage.mask
            if storage.tags[next] == 0 || storage.distance(ofSlot: next) == 0 { return }
            storage.moveEntry(from: next, to: hole)
            hole = next
        }
    }

    /// See ``RAMValueState/update(_:namespace:hash:default:_:)``.
    @inlinable
    mutating func update<R>(
        _ tag: UInt64, _ key: Key, _ namespace: Namespace, default makeDefault: () throws -> Value,
        _ body: (inout Value) throws -> R
    ) rethrows -> R {
        makeUnique()
        var (found, slot) = Self.find(tag, key, namespace, in: storage.unsafelyUnwrapped)
        if !found { slot = insert(tag, key, namespace, try makeDefault(), at: slot) }
        return try body(&storage.unsafelyUnwrapped.values[slot])
    }

    /// See ``RAMValueState/modify(_:namespace:hash:_:)``.
    @inlinable
    mutating func modify<R>(_ tag: UInt64, _ key: Key, _ namespace: Namespace, _ body: (inout Value?) throws -> R) rethrows -> R {
        makeUnique()
        let (found, slot) = Self.find(tag, key, namespace, in: storage.unsafelyUnwrapped)
        var value: Value? = found ? (storage.unsafelyUnwrapped.values + slot).move() : nil
        defer {
            if found {
                if let value = value.take() {
                    (storage.unsafelyUnwrapped.values + slot).initialize(to: value)
                } else {
                    Self.removeEntry(at: slot, valueMoved: true, in: storage.unsafelyUnwrapped)
                }
            } else if let value = value.take() {
                _ = insert(tag, key, namespace, value, at: slot)
            }
        }
        return try body(&value)
    }

    /// The value of (`tag`, `key`, `namespace`), if any.
    @inlinable
    func value(_ tag: UInt64, _ key: Key, _ namespace: Namespace) -> Value? {
        guard let storage else { return nil }
        let (found, slot) = Self.find(tag, key, namespace, in: storage)
        return found ? storage.values[slot] : nil
    }

    /// Removes the entry of (`tag`, `key`, `namespace`) and returns its value, if any.
    @inlinable
    mutating func removeValue(_ tag: UInt64, _ key: Key, _ namespace: Namespace) -> Value? {
        guard storage != nil else { return nil }
        makeUnique()
        let storage = storage.unsafelyUnwrapped
        let (found, slot) = Self.find(tag, key, namespace, in: storage)
        guard found else { return nil }
        let value = (storage.values + slot).move()
        Self.removeEntry(at: slot, valueMoved: true, in: storage)
        return value
    }

    /// Calls `body` with every entry's tag, key, namespace and value, in ascending tag order.
    ///
    /// - Complexity: O(capacity).
    @inlinable
    func forEach(_ body: (UInt64, Key, Namespace, Value) throws -> Void) rethrows {
        guard let storage else { return }
        try storage.forEachSlotInTagOrder { slot in
            try body(storage.tags[slot], storage.keys[slot], storage.namespaces[slot], storage.values[slot])
        }
    }
}

extension _ValueTable: Sendable where Key: Sendable, Namespace: Sendable, Value: Sendable {}
