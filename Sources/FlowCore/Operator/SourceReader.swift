/// What a source instance knows about its place in the job.
public struct SourceContext: Sendable {
    /// The source stage's display name.
    public var stageName: String
    /// The source stage's stable operator id.
    public var stageID: String
    /// This instance's index, `0..<parallelism`.
    public var subtask: Int
    /// How many instances of the source run; each reads its own share of the input.
    public var parallelism: Int
    /// Wakes the source's task if it waits after a read that found nothing (`.idle`): a reader
    /// whose records are made elsewhere (a pump task, a network callback) calls it when records
    /// become ready, so the task reads them at once instead of at its next idle poll.
    ///
    /// Safe from any thread, any number of times; a call while the task is busy makes its next
    /// wait return at once. The runtime gives every source a hook that notifies its task's
    /// signal; the default does nothing (the task then finds the records at its next poll).
    ///
    /// - Complexity: O(1): an atomic exchange, plus a wake-up if the task is parked.
    public var wakeUp: @Sendable () -> Void

    public init(stageName: String, stageID: String, subtask: Int, parallelism: Int, wakeUp: @escaping @Sendable () -> Void = {}) {
        self.stageName = stageName
        self.stageID = stageID
        self.subtask = subtask
        self.parallelism = parallelism
        self.wakeUp = wakeUp
    }
}

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

/// A ``SourceReader`` erased to its output type (closures formed where the reader is concrete).
public struct AnySourceReader<Output: Sendable> {
    @usableFromInline let _open: (SourceContext) async throws -> Void
    @usableFromInline let _read: (inout Batch<Output>, Int) async throws -> SourceStatus
    @usableFromInline let _readNow: (inout Batch<Output>, Int) throws -> SourceStatus?
    @usableFromInline let _close: () async -> Void
    @usableFromInline let _counts: (inout [Int]) -> Void

    @inlinable
    public init<Reader: SourceReader>(_ reader: Reader) where Reader.Output == Output {
        let box = _OperatorBox(reader)
        _open = { try await box.value.open(context: $0) }
        _read = { try await box.value.read(into: &$0, maxCount: $1) }
        _readNow = { batch, maxCount in try box.withValue { try $0.readImmediately(into: &batch, maxCount: maxCount) } }
        _close = { await box.value.close() }
        _counts = { counts in box.withValue { $0.internalStageCounts(into: &counts) } }
    }

    @inlinable public func open(context: SourceContext) async throws { try await _open(context) }

    @inlinable @inline(__always)
    public func read(into batch: inout Batch<Output>, maxCount: Int) async throws -> SourceStatus {
        try await _read(&batch, maxCount)
    }

    @inlinable public func close() async { await _close() }

    /// See ``SourceReader/readImmediately(into:maxCount:)``.
    @inlinable @inline(__always)
    public func readImmediately(into batch: inout Batch<Output>, maxCount: Int) throws -> SourceStatus? {
        try _readNow(&batch, maxCount)
    }

    /// See ``SourceReader/internalStageCounts(into:)``.
    public func internalStageCounts(into counts: inout [Int]) { _counts(&counts) }
}

/// An erased reader is a reader, so sources of different reader types can be made one type
/// (``Source/erased()``).
extension AnySourceReader: SourceReader {}
