/// The timers of one time domain of a ``TimerService``. Not API.
///
/// Per owned key group, a ``_ValueTable`` from (key, namespace, time) to the timer's registration
/// sequence deduplicates and is what a snapshot cuts; one binary min-heap over all of them orders
/// firing by (time, key group, sequence). Deleting a timer removes its table entry and leaves its
/// heap entry stale (its sequence no longer matches); stale entries are dropped when they reach
/// the top, so the top is always live, and the heap is rebuilt when more than half of it is stale.
///
/// ## Concurrency
/// A value, confined to the operator instance that owns its ``TimerService``.
@usableFromInline
struct _TimerQueue<Key: StableHashable & Hashable & Sendable, Namespace: StableHashable & Hashable & Sendable> {
    @usableFromInline typealias Table = _ValueTable<Key, _TimerSlot<Namespace>, UInt64>

    @usableFromInline let keyGroups: KeyGroupRange
    /// Per owned key group, (key, namespace, time) → registration sequence.
    @usableFromInline var tables: [Table]
    /// Every live timer, and stale entries of deleted ones.
    @usableFromInline var heap: [_ScheduledTimer<Key, Namespace>] = []
    /// The number of live timers.
    @usableFromInline var count = 0
    /// The number of stale heap entries.
    @usableFromInline var stale = 0
    /// The next registration's sequence.
    @usableFromInline var nextSequence: UInt64 = 0

    @inlinable
    init(keyGroups: KeyGroupRange) {
        self.keyGroups = keyGroups
        tables = Array(repeating: Table(), count: keyGroups.count)
    }

    /// The probe hash of a timer.
    @inlinable @inline(__always)
    static func tag(_ key: Key, _ namespace: Namespace, _ time: Int64) -> UInt64 {
        var hasher = StableHasher()
        key.stableHash(into: &hasher)
        namespace.stableHash(into: &hasher)
        hasher.combine(UInt64(bitPattern: time))
        let tag = hasher.finalize()
        return tag == 0 ? 1 : tag
    }

    /// The table index of key group `keyGroup`, which must be owned.
    @inlinable @inline(__always)
    func table(_ keyGroup: Int, _ operation: StaticString) -> Int {
        let index = keyGroup &- keyGroups.lowerBound
        if _slowPath(index < 0 || index >= tables.count) { Self.unowned(keyGroup, keyGroups, operation) }
        return index
    }

    @usableFromInline @inline(never)
    static func unowned(_ keyGroup: Int, _ keyGroups: KeyGroupRange, _ operation: StaticString) -> Never {
        preconditionFailure(
            "TimerService.\(operation): key group \(keyGroup) is not owned by this instance (\(keyGroups)); "
                + "pass the key group of the record's key, computed with the stage's max parallelism")
    }

    /// Registers a timer unless the same one is pending; returns whether it was added.
    ///
    /// - Complexity: one table probe and O(log n) heap insertion (O(1) expected for random
    ///   times); no allocation beyond amortized growth.
    @inlinable
    @discardableResult
    mutating func register(_ key: Key, _ namespace: Namespace, keyGroup: Int, at time: Int64) -> Bool {
        let index = table(keyGroup, "register")
        let tag = Self.tag(key, namespace, time)
        let sequence = nextSequence
        var added = false
        tables[index].update(
            tag, key, _TimerSlot(namespace, time),
            default: {
                added = true
                return sequence
            }
        ) { _ in }
        guard added else { return false }
        precondition(sequence <= _TimerOrder.sequenceMask, "TimerService: more than 2^48 timer registrations")
        nextSequence = sequence &+ 1
        count &+= 1
        heap.append(
            _ScheduledTimer(
                time: time, order: UInt64(keyGroup) << _TimerOrder.sequenceBits | sequence, tag: tag,
                key: key, namespace: namespace))
        siftUp(heap.count - 1)
        return true
    }

    /// Deletes a pending timer; returns whether there was one.
    ///
    /// - Complexity: one table probe; amortized O(1) for dropping the stale heap entry later.
    @inlinable
    @discardableResult
    mutating func delete(_ key: Key, _ namespace: Namespace, keyGroup: Int, at time: Int64) -> Bool {
        let index = table(keyGroup, "delete")
        guard tables[index].removeValue(Self.tag(key, namespace, time), key, _TimerSlot(namespace, time)) != nil else { return false }
        count &-= 1
        stale &+= 1
        if stale > 64 && stale > count {
            rebuild()
        } else {
            dropStaleTop()
        }
        return true
    }

    /// The earliest pending timer's time.
    @inlinable
    var nextTime: Int64? { heap.first?.time }

    /// Removes and returns the earliest pending timer if it is due at or before `time`.
    ///
    /// - Complexity: O(log n): one heap removal and one table probe (more when deleted timers'
    ///   entries reach the top, amortized O(1) each).
    @inlinable
    mutating func pop(atOrBefore time: Int64) -> OperatorTimer<Key, Namespace>? {
        guard let top = heap.first, top.time <= time else { return nil }
        let timer = removeTop()
        let index = timer.keyGroup &- keyGroups.lowerBound
        let removed = tables[index].removeValue(timer.tag, timer.key, _TimerSlot(timer.namespace, timer.time))
        assert(removed == timer.sequence, "_TimerQueue: the heap's top was not live")
        count &-= 1
        dropStaleTop()
        return OperatorTimer(key: timer.key, namespace: timer.namespace, time: timer.time, keyGroup: timer.keyGroup)
    }

    /// Whether a heap entry is a pending timer (not one deleted since).
    @inlinable
    func isLive(_ timer: _ScheduledTimer<Key, Namespace>) -> Bool {
        tables[timer.keyGroup &- keyGroups.lowerBound].value(timer.tag, timer.key, _TimerSlot(timer.namespace, timer.time)) == timer.sequence
    }

    /// Drops stale entries from the top until it is live (or the heap is empty).
    @inlinable @inline(__always)
    mutating func dropStaleTop() {
        while stale > 0, let top = heap.first, !isLive(top) {
            _ = removeTop()
            stale &-= 1
        }
    }

    /// Rebuilds the heap from its live entries.
    ///
    /// - Complexity: O(n).
    @inlinable @inline(never)
    mutating func rebuild() {
        var live = heap
        live.removeAll { !isLive($0) }
        heap = live
        stale = 0
        var index = heap.count / 2
        while index > 0 {
            index -= 1
            siftDown(index)
        }
    }

    @inlinable
    mutating func removeTop() -> _ScheduledTimer<Key, Namespace> {
        let last = heap.count - 1
        heap.swapAt(0, last)
        let top = heap.removeLast()
        if last > 0 { siftDown(0) }
        return top
    }

    @inlinable
    mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child &- 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    @inlinable
    mutating func siftDown(_ index: Int) {
        var parent = index
        let count = heap.count
        while true {
            let left = 2 &* parent &+ 1
            guard left < count else { return }
            let right = left &+ 1
            let first = right < count && heap[right].precedes(heap[left]) ? right : left
            guard heap[first].precedes(heap[parent]) else { return }
            heap.swapAt(first, parent)
            parent = first
        }
    }

    /// The pending timers of each owned key group that has any, in firing order, stored in
    /// `snapshot` as `[OperatorTimer<Key, Namespace>]` under `name`.
    ///
    /// - Complexity: O(n log n).
    func snapshot(into snapshot: inout KeyedStateSnapshot, name: String) {
        for (index, table) in tables.enumerated() where table.count > 0 {
            let group = keyGroups.lowerBound + index
            var pending: [(sequence: UInt64, timer: OperatorTimer<Key, Namespace>)] = []
            pending.reserveCapacity(table.count)
            table.forEach { _, key, slot, sequence in
                pending.append((sequence, OperatorTimer(key: key, namespace: slot.namespace, time: slot.time, keyGroup: group)))
            }
            pending.sort { ($0.timer.time, $0.sequence) < ($1.timer.time, $1.sequence) }
            snapshot.set(pending.map(\.timer), state: name, keyGroup: group)
        }
    }

    /// Replaces every timer with those `snapshot` holds under `name`, registered in their stored
    /// order (so ties fire in the order they did before the snapshot).
    ///
    /// - Throws: ``FlowError/Code/stateRestoreFailed`` if the snapshot holds timers for key groups
    ///   this queue does not own, a timer filed under another key group than its own, or entries of
    ///   another type.
    mutating func restore(from snapshot: KeyedStateSnapshot, name: String) throws {
        self = _TimerQueue(keyGroups: keyGroups)
        for group in snapshot.keyGroups {
            guard let timers = try snapshot.entries([OperatorTimer<Key, Namespace>].self, state: name, keyGroup: group) else { continue }
            guard keyGroups.contains(KeyGroup(group)) else {
                self = _TimerQueue(keyGroups: keyGroups)
                throw FlowError(
                    .stateRestoreFailed,
                    "timers '\(name)' of operator '\(snapshot.operatorID)' hold key group \(group), "
                        + "which the instance owning \(keyGroups) does not own: restrict the snapshot to the "
                        + "instance's key groups first", stageID: snapshot.operatorID)
            }
            for timer in timers {
                guard timer.keyGroup == group else {
                    self = _TimerQueue(keyGroups: keyGroups)
                    throw FlowError(
                        .stateRestoreFailed,
                        "timers '\(name)' of operator '\(snapshot.operatorID)' file \(timer) "
                            + "under key group \(group)", stageID: snapshot.operatorID)
                }
                register(timer.key, timer.namespace, keyGroup: group, at: timer.time)
            }
        }
    }
}

extension _TimerQueue: Sendable {}
