/// An operator with one input stream: it consumes batches and control elements and appends
/// its output to a batch the task gives it.
///
/// Operators are written against this protocol and are driven one batch at a time. Everything
/// per record happens inside ``process(_:into:)``, which is specialized for the concrete
/// operator type (see ``AnyOperator``), so a task pays one indirect call per batch.
///
/// ## Concurrency
/// An instance is confined to the task that runs it; it is never called from two threads.
public protocol OneInputOperator<Input, Output>: SendableMetatype {
    /// The type of the records consumed.
    associatedtype Input: Sendable
    /// The type of the records produced.
    associatedtype Output: Sendable

    /// The number of user-visible stages this operator runs (more than 1 for a fused chain).
    static var stageCount: Int { get }

    /// Called once before the first element.
    mutating func open(context: OperatorContext) throws

    /// Processes every record of `input`, appending results to `output`, and empties `input`
    /// (keeping its capacity).
    ///
    /// - Throws: ``RecordFailure`` naming the failing record.
    /// - Complexity: O(input.count) calls of the user's functions; no allocation in steady state.
    mutating func process(_ input: inout Batch<Input>, into output: inout Batch<Output>) throws

    /// Called when the task's watermark advances; returns the watermark to forward (or `nil`
    /// to hold it back). Records appended to `output` go before the forwarded watermark.
    mutating func processWatermark(_ watermark: Watermark, into output: inout Batch<Output>) throws -> Watermark?

    /// Fires at most `limit` of the operator's timers in `domain` that are due at `time` (event
    /// time: the watermark; processing time: the clock's milliseconds), earliest first, appending
    /// what they emit; returns whether more are due. The task calls it when the watermark or the
    /// clock passes the operator's timers, a chunk of `limit` at a time (each chunk's output is
    /// passed on before the next), before forwarding the watermark. A timer that `onTimer`
    /// registers at or before `time` fires in the same sweep, as in Flink.
    /// Operators without timers fire none (the default); a ``KeyedTimerOperator`` fires its
    /// ``KeyedTimerOperator/timers`` through ``KeyedTimerOperator/onTimer(_:domain:into:)``.
    ///
    /// - Complexity: O(fired × log timers) plus what the timers emit.
    mutating func fireTimers(_ domain: TimeDomain, dueAt time: Int64, limit: Int, into output: inout Batch<Output>) throws -> Bool

    /// When the operator's earliest processing-time timer is due, in milliseconds (`nil` if it
    /// has none): the task wakes for it.
    var nextProcessingTimer: Int64? { get }

    /// When the operator's earliest event-time timer is due (`nil` if it has none): after a batch,
    /// the task fires timers only if this is at or before the current watermark.
    var nextEventTimer: Int64? { get }

    /// Whether the operator may hold timers: a task fires timers only for such operators.
    static var hasTimers: Bool { get }

    /// Adds the operator's keyed state and timers, as of the records processed so far, to the
    /// snapshot of checkpoint `checkpoint`, cut by key group. Called between batches, when the
    /// checkpoint's barrier has arrived on every input; the default adds nothing.
    mutating func snapshotState(checkpoint: Int64, into snapshot: inout KeyedStateSnapshot) throws

    /// Resumes from `snapshot`, before the first record: the operator's keyed state and timers for
    /// the key groups the instance owns. Called after ``open(context:)``.
    ///
    /// - Throws: ``FlowError`` (``FlowError/Code/stateRestoreFailed``) if the snapshot is not this
    ///   operator's or holds key groups the instance does not own; nothing is restored then.
    mutating func restoreState(from snapshot: KeyedStateSnapshot) throws

    /// Checkpoint `id` is complete: every instance's snapshot for it is stored.
    mutating func notifyCheckpointComplete(_ id: Int64) throws

    /// Checkpoint `id` was aborted: its snapshot will not be used.
    mutating func notifyCheckpointAborted(_ id: Int64)

    /// Called once after the last input; may append final records.
    mutating func finish(into output: inout Batch<Output>) throws

    /// Called once when the task stops for any reason (after ``finish(into:)`` on success, alone on
    /// failure or cancellation), for every operator whose ``open(context:)`` was called.
    mutating func close()

    /// For a fused chain: appends the number of records each stage but the last has emitted,
    /// in stage order. A single stage appends nothing.
    func internalStageCounts(into counts: inout [Int])
}

extension OneInputOperator {
    public static var stageCount: Int { 1 }
    public mutating func open(context: OperatorContext) throws {}
    public mutating func processWatermark(_ watermark: Watermark, into output: inout Batch<Output>) throws -> Watermark? {
        watermark
    }
    public mutating func finish(into output: inout Batch<Output>) throws {}
    public func internalStageCounts(into counts: inout [Int]) {}
    public mutating func fireTimers(_ domain: TimeDomain, dueAt time: Int64, limit: Int, into output: inout Batch<Output>) throws -> Bool { false }
    public var nextProcessingTimer: Int64? { nil }
    public var nextEventTimer: Int64? { nil }
    public static var hasTimers: Bool { false }
    public mutating func snapshotState(checkpoint: Int64, into snapshot: inout KeyedStateSnapshot) throws {}
    public mutating func restoreState(from snapshot: KeyedStateSnapshot) throws {}
    public mutating func notifyCheckpointComplete(_ id: Int64) throws {}
    public mutating func notifyCheckpointAborted(_ id: Int64) {}
    public mutating func close() {}
}

/// An operator with keyed timers: it registers event- and processing-time timers per key and
/// namespace in its ``timers`` service, and the task calls ``onTimer(_:domain:into:)`` for each
/// when the watermark or the clock passes it (Flink's `Triggerable`).
///
/// The default ``OneInputOperator/fireTimers(_:dueAt:limit:into:)`` pops due timers earliest first
/// and calls ``onTimer(_:domain:into:)``; the default ``OneInputOperator/snapshotState(checkpoint:into:)``
/// and ``OneInputOperator/restoreState(from:)`` store and restore the timers (an operator that also
/// keeps keyed state stores both, calling ``snapshotTimers(into:)`` and ``restoreTimers(from:)``).
public protocol KeyedTimerOperator<Input, Output>: OneInputOperator {
    /// The type of the keys timers are registered for.
    associatedtype TimerKey: StableHashable & Hashable & Sendable
    /// The type of the namespaces timers are registered in (``EmptyNamespace`` if none).
    associatedtype TimerNamespace: StableHashable & Hashable & Sendable

    /// The operator's timers.
    var timers: TimerService<TimerKey, TimerNamespace> { get set }

    /// Called for each timer when it is due, in timestamp order; may append records and register
    /// or delete timers (one registered at or before the current time fires in the same sweep).
    mutating func onTimer(_ timer: OperatorTimer<TimerKey, TimerNamespace>, domain: TimeDomain, into output: inout Batch<Output>) throws
}

extension KeyedTimerOperator {
    public static var hasTimers: Bool { true }

    public var nextProcessingTimer: Int64? { timers.nextProcessingTime }

    public var nextEventTimer: Int64? { timers.nextEventTime }

    @inlinable
    public mutating func fireTimers(_ domain: TimeDomain, dueAt time: Int64, limit: Int, into output: inout Batch<Output>) throws -> Bool {
        var fired = 0
        while fired < limit {
            let due =
                switch domain {
                case .eventTime: timers.popEventTimer(atOrBefore: time)
                case .processingTime: timers.popProcessingTimer(atOrBefore: time)
                }
            guard let timer = due else { return false }
            try onTimer(timer, domain: domain, into: &output)
            fired += 1
        }
        return switch domain {
        case .eventTime: timers.nextEventTime.map { $0 <= time } ?? false
        case .processingTime: timers.nextProcessingTime.map { $0 <= time } ?? false
        }
    }

    /// Adds the pending timers to `snapshot`, by key group.
    public func snapshotTimers(into snapshot: inout KeyedStateSnapshot) {
        timers.snapshot(into: &snapshot)
    }

    /// Replaces the pending timers with those `snapshot` holds for the instance's key groups.
    public mutating func restoreTimers(from snapshot: KeyedStateSnapshot) throws {
        try timers.restore(from: snapshot)
    }

    public mutating func snapshotState(checkpoint: Int64, into snapshot: inout KeyedStateSnapshot) throws {
        snapshotTimers(into: &snapshot)
    }

    public mutating func restoreState(from snapshot: KeyedStateSnapshot) throws {
        try restoreTimers(from: snapshot)
    }
}
