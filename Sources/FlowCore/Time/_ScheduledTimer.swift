/// How a scheduled timer's tie order packs its key group and registration sequence. Not API.
@usableFromInline
enum _TimerOrder {
    /// The sequence's bits (the key group's are above them: max parallelism ≤ 2^15 fits).
    @inlinable static var sequenceBits: UInt64 { 48 }
    @inlinable static var sequenceMask: UInt64 { (1 << 48) - 1 }
}

/// A pending timer in a ``_TimerQueue``'s heap. Not API.
@usableFromInline
struct _ScheduledTimer<Key, Namespace> {
    /// When the timer is due.
    @usableFromInline var time: Int64
    /// The tie order after `time`: the key group in the top 16 bits, the registration sequence below.
    @usableFromInline var order: UInt64
    /// The probe hash of (key, namespace, time) in the key group's table.
    @usableFromInline var tag: UInt64
    @usableFromInline var key: Key
    @usableFromInline var namespace: Namespace

    @inlinable
    init(time: Int64, order: UInt64, tag: UInt64, key: Key, namespace: Namespace) {
        self.time = time
        self.order = order
        self.tag = tag
        self.key = key
        self.namespace = namespace
    }

    @inlinable
    var keyGroup: Int { Int(truncatingIfNeeded: order &>> _TimerOrder.sequenceBits) }

    @inlinable
    var sequence: UInt64 { order & _TimerOrder.sequenceMask }

    /// Whether `self` is due before `other`: by time, then key group, then registration.
    @inlinable @inline(__always)
    func precedes(_ other: _ScheduledTimer) -> Bool {
        time < other.time || (time == other.time && order < other.order)
    }
}

extension _ScheduledTimer: Sendable where Key: Sendable, Namespace: Sendable {}
