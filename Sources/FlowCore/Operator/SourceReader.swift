/// What a source instance knows about its place in the job: the same as an operator's.
public typealias SourceContext = OperatorContext

/// What a source says after a read.
public enum SourceStatus: Sendable, Equatable {
    /// More records may be read at once.
    case more
    /// No record is ready now; read again at `until` (or when the scheduler next looks, if nil).
    /// Records appended by the same read are passed on at once. A read that appended records
    /// and returns `.idle(until: nil)` is followed by another read at once (the source cannot
    /// say when more come, as an `AsyncSequence` after each element); only a read that finds
    /// nothing makes the task wait.
    case idle(until: ContinuousClock.Instant?)
    /// The source is exhausted; it will not be read again.
    case finished
}

/// One parallel instance of a source: it fills batches with records.
///
/// ## Concurrency
/// An instance is confined to its task.
public protocol SourceReader<Output>: SendableMetatype {
    /// The type of the records produced.
    associatedtype Output: Sendable

    /// Called once before the first read. A reader whose `open` was called is closed, even if
    /// `open` threw (see ``close()``).
    mutating func open(context: SourceContext) async throws

    /// Appends at most `maxCount` records to `batch` and says whether more will come.
    ///
    /// - Complexity: O(records read); no allocation in steady state.
    mutating func read(into batch: inout Batch<Output>, maxCount: Int) async throws -> SourceStatus

    /// Reads like ``read(into:maxCount:)`` if it can without suspending; a reader that would have
    /// to suspend returns `nil` having read nothing, and ``read(into:maxCount:)`` is called
    /// instead. Readers whose records are ready at once (a generator, a collection) implement
    /// it, which spares the task an async call per batch. The default returns `nil`.
    mutating func readImmediately(into batch: inout Batch<Output>, maxCount: Int) throws -> SourceStatus?

    /// ``readImmediately(into:maxCount:)`` for ``read(pushingInto:maxCount:buffer:)``. The default
    /// reads into `buffer` with ``readImmediately(into:maxCount:)`` and then pushes each record.
    mutating func readImmediately<Collector: RecordCollector<Output>>(
        pushingInto collector: inout Collector, maxCount: Int, buffer: inout Batch<Output>
    ) throws -> SourceStatus?

    /// Reads at most `maxCount` records like ``read(into:maxCount:)``, but hands each one to
    /// `collector` as it is made instead of storing it: the source of a job whose first stages
    /// are fused with it (`Source → Map → Filter …` in one task) is read this way, so a record
    /// goes from the reader through the stages in registers.
    ///
    /// The default reads into `buffer` (kept by the caller between reads, emptied on return)
    /// and then pushes each record. Readers whose records are ready at once (a generator, a
    /// collection) implement it with their own loop. Errors thrown by `collector` must be
    /// rethrown unchanged; the records pushed before count as read.
    ///
    /// - Complexity: O(records read) plus the collector's work; no allocation in steady state.
    mutating func read<Collector: RecordCollector<Output>>(
        pushingInto collector: inout Collector, maxCount: Int, buffer: inout Batch<Output>
    ) async throws -> SourceStatus

    /// For a reader fused with stages: appends how many records the reader and each stage but
    /// the last have passed on so far, in stage order. A plain reader appends nothing.
    func internalStageCounts(into counts: inout [Int])

    /// Whether the reader can store its position and resume from it (``snapshotSplits(checkpoint:)``
    /// and ``restoreSplits(_:)``), so a checkpoint can replay it. A reader that cannot (an
    /// `AsyncSequence`, the default) declines a checkpoint: its task sends no barrier, so the
    /// checkpoint never completes, and the job runs on. A reader that wraps another says what the
    /// wrapped one says.
    var isReplayable: Bool { get }

    /// The reader's splits and how far it has read each, as of the records it has returned: what a
    /// checkpoint stores for the source. Called between reads, when the checkpoint's barrier is
    /// injected, and only for a reader that ``isReplayable``; the default throws.
    func snapshotSplits(checkpoint: Int64) async throws -> [SourceSplit]

    /// Resumes from stored splits, before ``open(context:)``: the reader reads these splits (its
    /// share of a snapshot's, see ``SourceSplit/assigned(_:to:of:)``) from where each stopped,
    /// instead of cutting the input itself. An empty array means the instance has nothing to read.
    ///
    /// - Throws: ``FlowError`` (``FlowError/Code/stateRestoreFailed``) for a split of another
    ///   split count than the reader makes, or a position past the split's end.
    mutating func restoreSplits(_ splits: [SourceSplit]) throws

    /// Checkpoint `id` is complete: a reader may release what it kept to replay its records
    /// (acknowledge messages, commit offsets). The default does nothing.
    mutating func notifyCheckpointComplete(_ id: Int64) async throws

    /// Checkpoint `id` was aborted. The default does nothing.
    mutating func notifyCheckpointAborted(_ id: Int64) async

    /// Called once when the source is finished or the job stops: release what ``open(context:)``
    /// acquired.
    ///
    /// `close()` is called exactly once for every reader whose ``open(context:)`` was called,
    /// whether `open` returned or threw, and never for one whose `open` was not called. A run
    /// opens a task's sink and operators before its source, and its tasks in order, so a reader
    /// may be made and then dropped without either call when something opened before it fails.
    mutating func close() async
}

extension SourceReader {
    /// Hands every record of `buffer` to `collector`, for the default push reads.
    @inlinable
    static func pushRecords<Collector: RecordCollector<Output>>(of buffer: Batch<Output>, into collector: inout Collector) throws {
        try buffer.withUnsafeBuffers { records, timestamps in
            for index in records.indices { try collector.collect(records[index], at: timestamps[index]) }
        }
    }

    public mutating func open(context: SourceContext) async throws {}
    public mutating func close() async {}
    public mutating func notifyCheckpointComplete(_ id: Int64) async throws {}
    public mutating func notifyCheckpointAborted(_ id: Int64) async {}

    public var isReplayable: Bool { false }

    public func snapshotSplits(checkpoint: Int64) async throws -> [SourceSplit] {
        throw FlowError(
            .invalidConfiguration,
            "the source's reader (\(Self.self)) cannot store its position, so it cannot be checkpointed or replayed")
    }

    public mutating func restoreSplits(_ splits: [SourceSplit]) throws {
        throw FlowError(.stateRestoreFailed, "the source's reader (\(Self.self)) cannot resume from stored positions")
    }
    public func internalStageCounts(into counts: inout [Int]) {}
    public mutating func readImmediately(into batch: inout Batch<Output>, maxCount: Int) throws -> SourceStatus? { nil }

    @inlinable
    public mutating func readImmediately<Collector: RecordCollector<Output>>(
        pushingInto collector: inout Collector, maxCount: Int, buffer: inout Batch<Output>
    ) throws -> SourceStatus? {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard let status = try readImmediately(into: &buffer, maxCount: maxCount) else { return nil }
        try Self.pushRecords(of: buffer, into: &collector)
        return status
    }

    @inlinable
    public mutating func read<Collector: RecordCollector<Output>>(
        pushingInto collector: inout Collector, maxCount: Int, buffer: inout Batch<Output>
    ) async throws -> SourceStatus {
        defer { buffer.removeAll(keepingCapacity: true) }
        let status = try await read(into: &buffer, maxCount: maxCount)
        try Self.pushRecords(of: buffer, into: &collector)
        return status
    }
}

/// A ``SourceReader`` erased to its output type, so sources of different reader types can be
/// made one type (``Source/erased()``): a reader over the task's one erasure, ``AnyOperator``.
public struct AnySourceReader<Output: Sendable>: SourceReader {
    @usableFromInline let base: AnyOperator<Never, Output>

    @inlinable
    public init<Reader: SourceReader>(_ reader: Reader) where Reader.Output == Output {
        base = AnyOperator(reader: reader)
    }

    public var isReplayable: Bool { base.isReplayable }

    public func open(context: SourceContext) async throws { try await base.open(context: context) }

    @inlinable @inline(__always)
    public func read(into batch: inout Batch<Output>, maxCount: Int) async throws -> SourceStatus {
        try await base.read(into: &batch, maxCount: maxCount)
    }

    @inlinable @inline(__always)
    public func readImmediately(into batch: inout Batch<Output>, maxCount: Int) throws -> SourceStatus? {
        try base.readImmediately(into: &batch, maxCount: maxCount)
    }

    public func internalStageCounts(into counts: inout [Int]) { base.internalStageCounts(into: &counts) }

    public func snapshotSplits(checkpoint: Int64) async throws -> [SourceSplit] {
        var snapshot = OperatorSnapshot(operatorID: "", checkpointID: checkpoint, maxParallelism: 1)
        try await base.snapshotState(checkpoint: checkpoint, into: &snapshot)
        return snapshot.splits
    }

    public func restoreSplits(_ splits: [SourceSplit]) throws {
        try base.restoreState(from: OperatorSnapshot(operatorID: "", checkpointID: 0, maxParallelism: 1, splits: splits))
    }

    public func notifyCheckpointComplete(_ id: Int64) async throws { try await base.notifyCheckpointComplete(id) }

    public func notifyCheckpointAborted(_ id: Int64) async { await base.notifyCheckpointAborted(id) }

    public func close() async { await base.close() }
}
