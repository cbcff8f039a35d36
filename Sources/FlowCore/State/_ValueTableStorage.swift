/// The slots of one ``_ValueTable``: a power-of-two number of slots, each a tag (0 = empty) and,
/// when occupied, a key, a namespace and a value in three parallel buffers. Not API.
///
/// The memory is unsafe but never escapes: ``_ValueTable`` is its only user and initializes,
/// moves and deinitializes slots only through the methods of this class and its own, which keep
/// "tag != 0 ⇔ the slot's key, namespace and value are initialized".
///
/// ## Concurrency
/// `@unchecked Sendable`: a storage is mutated only by the ``_ValueTable`` that holds the only
/// reference to it (checked with `isKnownUniquelyReferenced` before every mutation, copying
/// otherwise), so a storage shared between copies of a table — possibly on two threads — is only
/// read.
@usableFromInline
final class _ValueTableStorage<Key, Namespace, Value>: @unchecked Sendable {
    /// The number of slots, a power of two ≥ 8.
    @usableFromInline let capacity: Int
    /// `capacity - 1`.
    @usableFromInline let mask: Int
    /// `64 - log2(capacity)`: a tag's home slot is its top bits, `tag >> shift`.
    @usableFromInline let shift: UInt64
    /// The number of occupied slots.
    @usableFromInline var count: Int
    /// Per slot, the entry's probe hash (never 0), or 0 if the slot is empty.
    @usableFromInline let tags: UnsafeMutablePointer<UInt64>
    @usableFromInline let keys: UnsafeMutablePointer<Key>
    @usableFromInline let namespaces: UnsafeMutablePointer<Namespace>
    @usableFromInline let values: UnsafeMutablePointer<Value>

    /// Empty storage of `capacity` slots (a power of two ≥ 8).
    @inlinable
    init(capacity: Int) {
        precondition(capacity >= 8 && capacity & (capacity - 1) == 0, "_ValueTableStorage: capacity \(capacity) is not a power of two ≥ 8")
        self.capacity = capacity
        mask = capacity - 1
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        count = 0
        tags = .allocate(capacity: capacity)
        tags.initialize(repeating: 0, count: capacity)
        keys = .allocate(capacity: capacity)
        namespaces = .allocate(capacity: capacity)
        values = .allocate(capacity: capacity)
    }

    deinit {
        for slot in 0..<capacity where tags[slot] != 0 {
            (keys + slot).deinitialize(count: 1)
            (namespaces + slot).deinitialize(count: 1)
            (values + slot).deinitialize(count: 1)
        }
        tags.deallocate()
        keys.deallocate()
        namespaces.deallocate()
        values.deallocate()
    }

    /// The slot a tag probes first.
    @inlinable @inline(__always)
    func home(_ tag: UInt64) -> Int { Int(truncatingIfNeeded: tag &>> shift) }

    /// How far the entry in occupied slot `slot` sits from its home.
    @inlinable @inline(__always)
    func distance(ofSlot slot: Int) -> Int { (slot &- home(tags[slot])) & mask }

    /// A copy holding copies of every entry, in the same slots.
    ///
    /// - Complexity: O(capacity).
    @inlinable @inline(never)
    func copy() -> _ValueTableStorage {
        let copy = _ValueTableStorage(capacity: capacity)
        for slot in 0..<capacity where tags[slot] != 0 {
            (copy.keys + slot).initialize(to: keys[slot])
            (copy.namespaces + slot).initialize(to: namespaces[slot])
            (copy.values + slot).initialize(to: values[slot])
            copy.tags[slot] = tags[slot]
        }
        copy.count = count
        return copy
    }

    /// Moves the entry of occupied slot `source` into empty slot `target`.
    @inlinable @inline(__always)
    func moveEntry(from source: Int, to target: Int) {
        tags[target] = tags[source]
        (keys + target).moveInitialize(from: keys + source, count: 1)
        (namespaces + target).moveInitialize(from: namespaces + source, count: 1)
        (values + target).moveInitialize(from: values + source, count: 1)
        tags[source] = 0
    }

    /// Calls `body` with every occupied slot in ascending order of tag (ties in slot order).
    ///
    /// Slots hold their entries in order of home, then tag (the Robin Hood order, see
    /// ``_ValueTable``), and a home is a tag's top bits, so slot order is tag order except for the
    /// run at slot 0 of entries that wrapped around from the end; that run is visited last.
    ///
    /// - Complexity: O(capacity).
    @inlinable
    func forEachSlotInTagOrder(_ body: (Int) throws -> Void) rethrows {
        var start = 0
        while start < capacity, tags[start] != 0, home(tags[start]) > start { start += 1 }
        for slot in start..<capacity where tags[slot] != 0 { try body(slot) }
        for slot in 0..<start { try body(slot) }
    }
}
