/// A ``OneInputOperator`` erased to its input and output types, at batch granularity.
///
/// The erasure is a set of closures formed inside this `@inlinable` initializer. Called where the
/// operator's type is concrete (the DSL does so), the closures are compiled for that type, so the
/// per-record loop inside `process` is specialized and inlined. The runtime, which only sees the
/// erased value, makes one indirect call per batch.
///
/// ## Concurrency
/// Not `Sendable`: an instance belongs to the one task that drives it.
public struct AnyOneInputOperator<Input, Output> {
    @usableFromInline let _open: (OperatorContext) throws -> Void
    @usableFromInline let _process: (inout Batch<Input>, inout Batch<Output>) throws -> Void
    @usableFromInline let _watermark: (Watermark, inout Batch<Output>) throws -> Watermark?
    @usableFromInline let _finish: (inout Batch<Output>) throws -> Void
    @usableFromInline let _counts: (inout [Int]) -> Void
    @usableFromInline let _fire: (TimeDomain, Int64, Int, inout Batch<Output>) throws -> Bool
    @usableFromInline let _nextTimer: () -> Int64?
    @usableFromInline let _nextEventTimer: () -> Int64?
    @usableFromInline let _snapshot: (Int64, inout KeyedStateSnapshot) throws -> Void
    @usableFromInline let _restore: (KeyedStateSnapshot) throws -> Void
    @usableFromInline let _complete: (Int64) throws -> Void
    @usableFromInline let _aborted: (Int64) -> Void
    @usableFromInline let _close: () -> Void
    /// The number of stages the operator runs.
    public let stageCount: Int
    /// Whether the operator may hold timers (see ``OneInputOperator/hasTimers``).
    public let hasTimers: Bool

    @inlinable
    public init<Operator: OneInputOperator>(_ base: Operator) where Operator.Input == Input, Operator.Output == Output {
        let box = _OperatorBox(base)
        _open = { try box.value.open(context: $0) }
        _process = { try box.value.process(&$0, into: &$1) }
        _watermark = { try box.value.processWatermark($0, into: &$1) }
        _finish = { try box.value.finish(into: &$0) }
        _counts = { counts in box.withValue { $0.internalStageCounts(into: &counts) } }
        _fire = { domain, time, limit, output in try box.value.fireTimers(domain, dueAt: time, limit: limit, into: &output) }
        _nextTimer = { box.withValue { $0.nextProcessingTimer } }
        _nextEventTimer = { box.withValue { $0.nextEventTimer } }
        _snapshot = { checkpoint, snapshot in try box.value.snapshotState(checkpoint: checkpoint, into: &snapshot) }
        _restore = { try box.value.restoreState(from: $0) }
        _complete = { try box.value.notifyCheckpointComplete($0) }
        _aborted = { box.value.notifyCheckpointAborted($0) }
        _close = { box.value.close() }
        stageCount = Operator.stageCount
        hasTimers = Operator.hasTimers
    }

    /// See ``OneInputOperator/fireTimers(_:dueAt:limit:into:)``.
    @inlinable
    public func fireTimers(_ domain: TimeDomain, dueAt time: Int64, limit: Int, into output: inout Batch<Output>) throws -> Bool {
        try _fire(domain, time, limit, &output)
    }

    /// See ``OneInputOperator/nextProcessingTimer``.
    public var nextProcessingTimer: Int64? { _nextTimer() }

    /// See ``OneInputOperator/nextEventTimer``.
    public var nextEventTimer: Int64? { _nextEventTimer() }

    /// See ``OneInputOperator/snapshotState(checkpoint:into:)``.
    public func snapshotState(checkpoint: Int64, into snapshot: inout KeyedStateSnapshot) throws { try _snapshot(checkpoint, &snapshot) }

    /// See ``OneInputOperator/restoreState(from:)``.
    public func restoreState(from snapshot: KeyedStateSnapshot) throws { try _restore(snapshot) }

    /// See ``OneInputOperator/notifyCheckpointComplete(_:)``.
    public func notifyCheckpointComplete(_ id: Int64) throws { try _complete(id) }

    /// See ``OneInputOperator/notifyCheckpointAborted(_:)``.
    public func notifyCheckpointAborted(_ id: Int64) { _aborted(id) }

    /// See ``OneInputOperator/close()``.
    public func close() { _close() }

    /// See ``OneInputOperator/open(context:)``.
    @inlinable public func open(context: OperatorContext) throws { try _open(context) }

    /// See ``OneInputOperator/process(_:into:)``.
    ///
    /// - Complexity: one indirect call, then the operator's specialized loop.
    @inlinable public func process(_ input: inout Batch<Input>, into output: inout Batch<Output>) throws {
        try _process(&input, &output)
    }

    /// See ``OneInputOperator/processWatermark(_:into:)``.
    @inlinable public func processWatermark(_ watermark: Watermark, into output: inout Batch<Output>) throws -> Watermark? {
        try _watermark(watermark, &output)
    }

    /// See ``OneInputOperator/finish(into:)``.
    @inlinable public func finish(into output: inout Batch<Output>) throws { try _finish(&output) }

    /// See ``OneInputOperator/internalStageCounts(into:)``.
    public func internalStageCounts(into counts: inout [Int]) {
        _counts(&counts)
    }
}

/// The mutable home of an erased operator or connector. Not API.
///
/// ## Concurrency
/// Confined to the task that owns the erased value that captured it.
@usableFromInline
final class _OperatorBox<Value> {
    /// Accessed by one task at a time (confinement), never overlapping: the dynamic
    /// exclusivity check Swift would run on every access (once per batch per call, two
    /// runtime calls each) is turned off.
    @exclusivity(unchecked) @usableFromInline var value: Value  // protected by the owning task (confinement)

    @inlinable init(_ value: Value) { self.value = value }

    /// Runs `body` on the value in place (a non-mutating call on `value` would copy it first).
    @inlinable @inline(__always)
    func withValue<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        try body(&value)
    }
}
