/// A source reader, an operator or a sink writer, erased to the records it consumes and produces:
/// the one form in which a task holds each of its parts.
///
/// Flow has three authoring protocols, as Flink has: ``SourceReader`` for connectors that make
/// records, ``OneInputOperator`` for transformations, ``SinkWriter`` for connectors that consume
/// them. The runtime drives all three through this one type, as Flink's task drives a source
/// operator, its chained operators and a sink writer operator through one operator contract:
///
/// - a **source** is `AnyOperator<Never, Output>`: a run reads up to `maxCount` records into the
///   output and says whether more come;
/// - an **operator** is `AnyOperator<Input, Output>`: a run processes its input batch;
/// - a **sink** is `AnyOperator<Input, Never>`: a run writes its input batch.
///
/// Every part has the same lifecycle and checkpoint hooks: open (with the state it resumes from),
/// a watermark, the end of its input, a snapshot on a checkpoint's barrier (an operator's keyed
/// state and timers, a source's splits and positions, a sink's pre-commit), the checkpoint's
/// completion (a sink commits) or abort, and close.
///
/// The erasure is a set of closures formed inside the `@inlinable` initializers. Called where the
/// part's type is concrete (the DSL and the connectors do so), the closures are compiled for that
/// type, so the per-record loop inside a run is specialized and inlined; the runtime, which only
/// sees the erased value, makes one indirect call per batch.
///
/// ## Concurrency
/// Not `Sendable`: an instance belongs to the one task that drives it.
public struct AnyOperator<Input, Output> {
    /// What part of a task an erased value is.
    public typealias Role = OperatorRole

    /// What the value is.
    public let role: Role
    /// The number of stages it runs: more than 1 for a fused chain, or a source fused with the
    /// stages after it.
    public let stageCount: Int
    /// Whether it may hold timers (see ``OneInputOperator/hasTimers``): a task fires timers only
    /// for such parts.
    public let hasTimers: Bool
    /// Whether a checkpoint can store its position or state: false for a source that cannot
    /// (``SourceReader/isReplayable``), true for every operator and sink.
    public let isReplayable: Bool

    @usableFromInline let _open: (OperatorContext) async throws -> Void
    @usableFromInline let _restore: (OperatorSnapshot) throws -> Void
    @usableFromInline let _processNow: (inout Batch<Input>, inout Batch<Output>) throws -> Bool
    @usableFromInline let _readNow: (inout Batch<Output>, Int) throws -> SourceStatus?
    @usableFromInline let _run: (inout Batch<Input>, inout Batch<Output>, Int) async throws -> SourceStatus
    @usableFromInline let _watermark: (Watermark, inout Batch<Output>) async throws -> Watermark?
    @usableFromInline let _finish: (inout Batch<Output>) async throws -> Void
    @usableFromInline let _fire: (TimeDomain, Int64, Int, inout Batch<Output>) throws -> Bool
    @usableFromInline let _nextProcessingTimer: () -> Int64?
    @usableFromInline let _nextEventTimer: () -> Int64?
    @usableFromInline let _snapshot: (Int64, inout OperatorSnapshot) async throws -> Void
    @usableFromInline let _complete: (Int64) async throws -> Void
    @usableFromInline let _aborted: (Int64) async -> Void
    @usableFromInline let _close: () async -> Void
    @usableFromInline let _counts: (inout [Int]) -> Void

    @usableFromInline
    init(
        role: Role, stageCount: Int, hasTimers: Bool, isReplayable: Bool,
        open: @escaping (OperatorContext) async throws -> Void,
        restore: @escaping (OperatorSnapshot) throws -> Void,
        processNow: @escaping (inout Batch<Input>, inout Batch<Output>) throws -> Bool = { _, _ in false },
        readNow: @escaping (inout Batch<Output>, Int) throws -> SourceStatus? = { _, _ in nil },
        run: @escaping (inout Batch<Input>, inout Batch<Output>, Int) async throws -> SourceStatus,
        watermark: @escaping (Watermark, inout Batch<Output>) async throws -> Watermark?,
        finish: @escaping (inout Batch<Output>) async throws -> Void,
        fire: @escaping (TimeDomain, Int64, Int, inout Batch<Output>) throws -> Bool = { _, _, _, _ in false },
        nextProcessingTimer: @escaping () -> Int64? = { nil },
        nextEventTimer: @escaping () -> Int64? = { nil },
        snapshot: @escaping (Int64, inout OperatorSnapshot) async throws -> Void,
        complete: @escaping (Int64) async throws -> Void,
        aborted: @escaping (Int64) async -> Void,
        close: @escaping () async -> Void,
        counts: @escaping (inout [Int]) -> Void
    ) {
        self.role = role
        self.stageCount = stageCount
        self.hasTimers = hasTimers
        self.isReplayable = isReplayable
        _open = open
        _restore = restore
        _processNow = processNow
        _readNow = readNow
        _run = run
        _watermark = watermark
        _finish = finish
        _fire = fire
        _nextProcessingTimer = nextProcessingTimer
        _nextEventTimer = nextEventTimer
        _snapshot = snapshot
        _complete = complete
        _aborted = aborted
        _close = close
        _counts = counts
    }

    // MARK: The contract

    /// Whether ``restoreState(from:)`` comes before ``open(context:)``: a source resumes its splits
    /// before it opens (it would otherwise cut its input itself); an operator restores its keyed
    /// state into the tables `open` made.
    public var restoresBeforeOpen: Bool { role == .source }

    /// Called once before the first run.
    public func open(context: OperatorContext) async throws { try await _open(context) }

    /// Resumes from `snapshot`: an operator's keyed state and timers, a source's splits (see
    /// ``restoresBeforeOpen`` for when). A sink resumes nothing yet.
    public func restoreState(from snapshot: OperatorSnapshot) throws { try _restore(snapshot) }

    /// An operator's or a sink's run without suspending: an operator processes `input` into
    /// `output` (and returns `true`); a sink writes `input` and returns `true`, or returns `false`,
    /// having consumed nothing, if its writer would have to suspend: call ``run(_:into:maxCount:)``
    /// then. A source has no input: see ``readImmediately(into:maxCount:)``.
    ///
    /// The task's per-batch path: it returns a `Bool`, which costs nothing to hand back, where an
    /// optional ``SourceStatus`` (whose payload is a standard-library instant) would be moved
    /// through value witnesses in unspecialized code.
    ///
    /// - Complexity: one indirect call, then the part's specialized loop.
    @inlinable @inline(__always)
    public func processImmediately(_ input: inout Batch<Input>, into output: inout Batch<Output>) throws -> Bool {
        try _processNow(&input, &output)
    }

    /// A source's read without suspending: at most `maxCount` records into `output`, or `nil`,
    /// having read nothing, if the reader would have to suspend (call ``run(_:into:maxCount:)``
    /// then). Operators and sinks read nothing and return `nil`.
    @inlinable @inline(__always)
    public func readImmediately(into output: inout Batch<Output>, maxCount: Int) throws -> SourceStatus? {
        try _readNow(&output, maxCount)
    }

    /// Runs once, suspending if the part must: a source reads at most `maxCount` records into
    /// `output`, an operator processes `input`, a sink writes it. An operator or sink says
    /// ``SourceStatus/more``.
    @inlinable @inline(__always)
    public func run(_ input: inout Batch<Input>, into output: inout Batch<Output>, maxCount: Int) async throws -> SourceStatus {
        try await _run(&input, &output, maxCount)
    }

    /// Event time advanced on the input: returns the watermark to forward (`nil` to hold it back;
    /// a sink forwards nothing). Records appended to `output` go before it.
    public func processWatermark(_ watermark: Watermark, into output: inout Batch<Output>) async throws -> Watermark? {
        try await _watermark(watermark, &output)
    }

    /// The input ended: an operator may append final records, a sink finishes its output.
    public func finish(into output: inout Batch<Output>) async throws { try await _finish(&output) }

    /// See ``OneInputOperator/fireTimers(_:dueAt:limit:into:)``.
    @inlinable
    public func fireTimers(_ domain: TimeDomain, dueAt time: Int64, limit: Int, into output: inout Batch<Output>) throws -> Bool {
        try _fire(domain, time, limit, &output)
    }

    /// See ``OneInputOperator/nextProcessingTimer``.
    public var nextProcessingTimer: Int64? { _nextProcessingTimer() }

    /// See ``OneInputOperator/nextEventTimer``.
    public var nextEventTimer: Int64? { _nextEventTimer() }

    /// A checkpoint's barrier reached the part: an operator adds its keyed state and timers to
    /// `snapshot`, a source its splits and positions, a sink pre-commits what it wrote (see
    /// ``SinkWriter/preCommit(checkpoint:)``).
    public func snapshotState(checkpoint: Int64, into snapshot: inout OperatorSnapshot) async throws {
        try await _snapshot(checkpoint, &snapshot)
    }

    /// Checkpoint `id` is complete: a sink commits what it pre-committed up to it.
    public func notifyCheckpointComplete(_ id: Int64) async throws { try await _complete(id) }

    /// Checkpoint `id` was aborted.
    public func notifyCheckpointAborted(_ id: Int64) async { await _aborted(id) }

    /// Called once when the task stops, for every part whose ``open(context:)`` was called.
    public func close() async { await _close() }

    /// For a fused chain or source: see ``OneInputOperator/internalStageCounts(into:)``. Called
    /// after every batch of a fused part, so inlined into the runtime's unspecialized code (which
    /// would otherwise look up this type's metadata for the call).
    @inlinable @inline(__always)
    public func internalStageCounts(into counts: inout [Int]) { _counts(&counts) }
}

// MARK: - Operators

extension AnyOperator {
    /// `base`, an operator.
    @inlinable
    public init<Operator: OneInputOperator>(_ base: Operator) where Operator.Input == Input, Operator.Output == Output {
        let box = _OperatorBox(base)
        self.init(
            role: .transform, stageCount: Operator.stageCount, hasTimers: Operator.hasTimers, isReplayable: true,
            open: { try box.value.open(context: $0) },
            restore: { try box.value.restoreState(from: $0.keyed) },
            processNow: { input, output in
                try box.value.process(&input, into: &output)
                return true
            },
            run: { input, output, _ in
                try box.value.process(&input, into: &output)
                return .more
            },
            watermark: { try box.value.processWatermark($0, into: &$1) },
            finish: { try box.value.finish(into: &$0) },
            fire: { domain, time, limit, output in try box.value.fireTimers(domain, dueAt: time, limit: limit, into: &output) },
            nextProcessingTimer: { box.withValue { $0.nextProcessingTimer } },
            nextEventTimer: { box.withValue { $0.nextEventTimer } },
            snapshot: { checkpoint, snapshot in try box.value.snapshotState(checkpoint: checkpoint, into: &snapshot.keyed) },
            complete: { try box.value.notifyCheckpointComplete($0) },
            aborted: { box.value.notifyCheckpointAborted($0) },
            close: { box.value.close() },
            counts: { counts in box.withValue { $0.internalStageCounts(into: &counts) } })
    }

    /// Processes `input` into `output` (an operator's run).
    @inlinable
    public func process(_ input: inout Batch<Input>, into output: inout Batch<Output>) throws {
        _ = try _processNow(&input, &output)
    }
}

// MARK: - Sources

extension AnyOperator where Input == Never {
    /// `reader`, a source; `stageCount` is more than 1 for a reader fused with the stages after it.
    @inlinable
    public init<Reader: SourceReader>(reader: Reader, stageCount: Int = 1) where Reader.Output == Output {
        let box = _OperatorBox(reader)
        self.init(
            role: .source, stageCount: stageCount, hasTimers: false, isReplayable: reader.isReplayable,
            open: { try await box.value.open(context: $0) },
            restore: { try box.value.restoreSplits($0.splits) },
            readNow: { output, maxCount in try box.withValue { try $0.readImmediately(into: &output, maxCount: maxCount) } },
            run: { _, output, maxCount in try await box.value.read(into: &output, maxCount: maxCount) },
            watermark: { _, _ in nil },
            finish: { _ in },
            snapshot: { checkpoint, snapshot in snapshot.splits = try await box.value.snapshotSplits(checkpoint: checkpoint) },
            complete: { try await box.value.notifyCheckpointComplete($0) },
            aborted: { await box.value.notifyCheckpointAborted($0) },
            close: { await box.value.close() },
            counts: { counts in box.withValue { $0.internalStageCounts(into: &counts) } })
    }

    /// Reads at most `maxCount` records into `batch` (a source's run).
    @inlinable
    public func read(into batch: inout Batch<Output>, maxCount: Int) async throws -> SourceStatus {
        var none = Batch<Never>()
        return try await _run(&none, &batch, maxCount)
    }

}

// MARK: - Sinks

extension AnyOperator where Output == Never {
    /// `writer`, a sink.
    @inlinable
    public init<Writer: SinkWriter>(writer: Writer) where Writer.Input == Input {
        let box = _OperatorBox(writer)
        self.init(
            role: .sink, stageCount: 1, hasTimers: false, isReplayable: true,
            open: { try await box.value.open(context: $0) },
            restore: { _ in },
            processNow: { input, _ in try box.withValue { try $0.writeImmediately(&input) } },
            run: { input, _, _ in
                try await box.value.write(&input)
                return .more
            },
            watermark: { watermark, _ in
                try await box.value.processWatermark(watermark)
                return nil
            },
            finish: { _ in try await box.value.finish() },
            snapshot: { checkpoint, _ in try await box.value.preCommit(checkpoint: checkpoint) },
            complete: { try await box.value.commit(checkpoint: $0) },
            // The pre-committed transaction waits for the next completed checkpoint (Flink's
            // two-phase-commit sink): an abort while the job runs on discards nothing.
            aborted: { _ in },
            close: { await box.value.close() },
            counts: { _ in })
    }

    /// Writes every record of `batch` and empties it (a sink's run).
    @inlinable
    public func write(_ batch: inout Batch<Input>) async throws {
        var none = Batch<Never>()
        _ = try await _run(&batch, &none, batch.count)
    }

    /// Gives the writer a watermark (a sink forwards none).
    public func processWatermark(_ watermark: Watermark) async throws {
        var none = Batch<Never>()
        _ = try await _watermark(watermark, &none)
    }

    /// Tells the writer its input ended.
    public func finish() async throws {
        var none = Batch<Never>()
        try await _finish(&none)
    }
}

/// What part of a task an ``AnyOperator`` is. (Not nested in the generic erasure: a nested
/// enum's metadata would depend on the erasure's type arguments, and unspecialized runtime code
/// would look it up on every comparison.)
public enum OperatorRole: Sendable, Equatable {
    /// A ``SourceReader``: it has no input.
    case source
    /// A ``OneInputOperator``.
    case transform
    /// A ``SinkWriter``: it has no output.
    case sink
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
