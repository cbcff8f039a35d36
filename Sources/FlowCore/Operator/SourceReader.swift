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

    public init(stageName: String, stageID: String, subtask: Int, parallelism: Int) {
        self.stageName = stageName
        self.stageID = stageID
        self.subtask = subtask
        self.parallelism = parallelism
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

    /// Called once before the first read.
    mutating func open(context: SourceContext) async throws

    /// Appends at most `maxCount` records to `batch` and says whether more will come.
    ///
    /// - Complexity: O(records read); no allocation in steady state.
    mutating func read(into batch: inout Batch<Output>, maxCount: Int) async throws -> SourceStatus

    /// Called once when the source is finished or the job stops.
    mutating func close() async
}

extension SourceReader {
    public mutating func open(context: SourceContext) async throws {}
    public mutating func close() async {}
}

/// A ``SourceReader`` erased to its output type (closures formed where the reader is concrete).
public struct AnySourceReader<Output> {
    @usableFromInline let _open: (SourceContext) async throws -> Void
    @usableFromInline let _read: (inout Batch<Output>, Int) async throws -> SourceStatus
    @usableFromInline let _close: () async -> Void

    @inlinable
    public init<Reader: SourceReader>(_ reader: Reader) where Reader.Output == Output {
        let box = _OperatorBox(reader)
        _open = { try await box.value.open(context: $0) }
        _read = { try await box.value.read(into: &$0, maxCount: $1) }
        _close = { await box.value.close() }
    }

    @inlinable public func open(context: SourceContext) async throws { try await _open(context) }

    @inlinable public func read(into batch: inout Batch<Output>, maxCount: Int) async throws -> SourceStatus {
        try await _read(&batch, maxCount)
    }

    @inlinable public func close() async { await _close() }
}
