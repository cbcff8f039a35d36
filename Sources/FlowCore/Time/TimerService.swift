/// The event-time and processing-time timers of one keyed operator instance: per key and
/// namespace, deduplicated, fired in timestamp order, held per key group so a snapshot cuts them
/// by key group.
///
/// ```
/// register(key, namespace, keyGroup, at: t) ─► key group's table (dedup) ─► heap by (t, key group, seq)
/// watermark / clock ─► pop(atOrBefore:) ─► earliest due timer, one at a time
/// ```
/// The caller fires due timers in a loop, so it decides how many go at once (the task passes each
/// chunk's output on before it fires the next):
///
/// ```swift
/// var fired = 0
/// while fired < 4096, let timer = timers.popEventTimer(atOrBefore: watermark.time.milliseconds) {
///     try onTimer(timer)
///     fired += 1
/// }
/// ```
/// Timers fire in ascending time; equal times in ascending key group, then in registration order
/// — the same order in every process, whatever the hash seed. A timer registered at or before the
/// current watermark (or clock) is simply due: the next pop returns it. Registering a pending
/// (key, namespace, time) again changes nothing.
///
/// ## Concurrency
/// A value, confined to the operator instance that owns it, on its task.
public struct TimerService<Key: StableHashable & Hashable & Sendable, Namespace: StableHashable & Hashable & Sendable>: Sendable {
    /// The key groups this instance owns.
    public let keyGroups: KeyGroupRange
    /// The number of key groups of the stage.
    public let maxParallelism: Int
    @usableFromInline var eventTimers: _TimerQueue<Key, Namespace>
    @usableFromInline var processingTimers: _TimerQueue<Key, Namespace>

    /// No timers, for the instance owning `keyGroups` of `maxParallelism` key groups.
    public init(keyGroups: KeyGroupRange, maxParallelism: Int) {
        precondition(
            maxParallelism >= 1 && maxParallelism <= 1 << 15 && keyGroups.lowerBound >= 0 && keyGroups.upperBound <= maxParallelism,
            "TimerService: key groups \(keyGroups) outside 0..<\(maxParallelism), or max parallelism above 2^15")
        self.keyGroups = keyGroups
        self.maxParallelism = maxParallelism
        eventTimers = _TimerQueue(keyGroups: keyGroups)
        processingTimers = _TimerQueue(keyGroups: keyGroups)
    }

    /// Registers an event-time timer for `key` in `namespace` at `time`, unless it is pending.
    ///
    /// - Parameter keyGroup: the key's group (the one computed for the record).
    /// - Precondition: `keyGroup` is owned by this instance.
    /// - Complexity: one table probe and an O(log n) heap insertion (O(1) expected); no allocation
    ///   beyond amortized growth.
    @inlinable
    public mutating func registerEventTimeTimer(key: Key, namespace: Namespace, keyGroup: Int, at time: Int64) {
        eventTimers.register(key, namespace, keyGroup: keyGroup, at: time)
    }

    /// Registers a processing-time timer for `key` in `namespace` at `time`, unless it is pending.
    ///
    /// - Precondition: `keyGroup` is owned by this instance.
    /// - Complexity: as ``registerEventTimeTimer(key:namespace:keyGroup:at:)``.
    @inlinable
    public mutating func registerProcessingTimeTimer(key: Key, namespace: Namespace, keyGroup: Int, at time: Int64) {
        processingTimers.register(key, namespace, keyGroup: keyGroup, at: time)
    }

    /// Deletes the pending event-time timer of `key` in `namespace` at `time`, if any.
    ///
    /// - Precondition: `keyGroup` is owned by this instance.
    /// - Complexity: one table probe, O(1) expected (amortized O(1) later to drop its heap entry).
    @inlinable
    public mutating func deleteEventTimeTimer(key: Key, namespace: Namespace, keyGroup: Int, at time: Int64) {
        eventTimers.delete(key, namespace, keyGroup: keyGroup, at: time)
    }

    /// Deletes the pending processing-time timer of `key` in `namespace` at `time`, if any.
    ///
    /// - Precondition: `keyGroup` is owned by this instance.
    /// - Complexity: as ``deleteEventTimeTimer(key:namespace:keyGroup:at:)``.
    @inlinable
    public mutating func deleteProcessingTimeTimer(key: Key, namespace: Namespace, keyGroup: Int, at time: Int64) {
        processingTimers.delete(key, namespace, keyGroup: keyGroup, at: time)
    }

    /// The time of the earliest pending event-time timer.
    ///
    /// - Complexity: O(1).
    @inlinable
    public var nextEventTime: Int64? { eventTimers.nextTime }

    /// The time of the earliest pending processing-time timer (the task's next deadline).
    ///
    /// - Complexity: O(1).
    @inlinable
    public var nextProcessingTime: Int64? { processingTimers.nextTime }

    /// The number of pending event-time timers.
    @inlinable
    public var eventTimerCount: Int { eventTimers.count }

    /// The number of pending processing-time timers.
    @inlinable
    public var processingTimerCount: Int { processingTimers.count }

    /// Removes and returns the earliest pending event-time timer if it is due at `watermark`
    /// (its time ≤ `watermark`); `nil` if none is.
    ///
    /// - Complexity: O(log n).
    @inlinable
    public mutating func popEventTimer(atOrBefore watermark: Int64) -> OperatorTimer<Key, Namespace>? {
        eventTimers.pop(atOrBefore: watermark)
    }

    /// Removes and returns the earliest pending processing-time timer if it is due at `now`;
    /// `nil` if none is.
    ///
    /// - Complexity: O(log n).
    @inlinable
    public mutating func popProcessingTimer(atOrBefore now: Int64) -> OperatorTimer<Key, Namespace>? {
        processingTimers.pop(atOrBefore: now)
    }

    /// Stores the pending timers of each owned key group in `snapshot`, as
    /// `[OperatorTimer<Key, Namespace>]` in firing order, under `"\(name).eventTime"` and
    /// `"\(name).processingTime"`.
    ///
    /// - Precondition: `snapshot` was cut with this service's max parallelism.
    /// - Complexity: O(n log n) for n pending timers.
    public func snapshot(into snapshot: inout KeyedStateSnapshot, name: String = "timers") {
        precondition(
            snapshot.maxParallelism == maxParallelism,
            "TimerService.snapshot: the snapshot has \(snapshot.maxParallelism) key groups, the service \(maxParallelism)")
        eventTimers.snapshot(into: &snapshot, name: name + ".eventTime")
        processingTimers.snapshot(into: &snapshot, name: name + ".processingTime")
    }

    /// Replaces every pending timer with those `snapshot` holds: the same pending timers, firing
    /// in the same order. To restore at another parallelism, merge the old instances' snapshots
    /// (``KeyedStateSnapshot/merging(_:)``) and restrict them to ``keyGroups`` first.
    ///
    /// - Throws: ``FlowError/Code/stateRestoreFailed`` (leaving no timers) if the snapshot was cut
    ///   with another max parallelism, holds timers of key groups this instance does not own, or
    ///   holds entries of another type under the timers' names.
    /// - Complexity: O(n log n) for n timers restored.
    public mutating func restore(from snapshot: KeyedStateSnapshot, name: String = "timers") throws {
        eventTimers = _TimerQueue(keyGroups: keyGroups)
        processingTimers = _TimerQueue(keyGroups: keyGroups)
        guard snapshot.maxParallelism == maxParallelism else {
            throw FlowError(
                .stateRestoreFailed,
                "the timers of operator '\(snapshot.operatorID)' were cut into "
                    + "\(snapshot.maxParallelism) key groups, but this timer service has \(maxParallelism)",
                stageID: snapshot.operatorID)
        }
        do {
            try eventTimers.restore(from: snapshot, name: name + ".eventTime")
            try processingTimers.restore(from: snapshot, name: name + ".processingTime")
        } catch {
            eventTimers = _TimerQueue(keyGroups: keyGroups)
            processingTimers = _TimerQueue(keyGroups: keyGroups)
            throw error
        }
    }
}
