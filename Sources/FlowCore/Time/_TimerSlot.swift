/// A timer's namespace and time: the namespace under which a ``_TimerQueue`` table holds a key's
/// timer, so one key has one entry per (namespace, time). Not API.
@usableFromInline
struct _TimerSlot<Namespace: StableHashable & Hashable & Sendable>: StableHashable, Hashable, Sendable {
    @usableFromInline var namespace: Namespace
    @usableFromInline var time: Int64

    @inlinable
    init(_ namespace: Namespace, _ time: Int64) {
        self.namespace = namespace
        self.time = time
    }

    @inlinable
    func stableHash(into hasher: inout StableHasher) {
        namespace.stableHash(into: &hasher)
        hasher.combine(UInt64(bitPattern: time))
    }
}
