public import FlowCore

/// A source and the chain of pure stages after it, run as one reader. Not API; the DSL builds
/// these when a pipeline starts `Source → Map → Filter …`.
///
/// The reader pushes each record it makes straight into the chain
/// (``SourceReader/read(pushingInto:maxCount:buffer:)``), and only the chain's output is stored:
/// for a generator the source's records never touch memory. `_FusedSourceReader<GeneratorReader<F>, _Chain2<…>>`
/// is one concrete type, so the whole loop is specialized and inlined.
///
/// Counts: stage 0 is the source, stage *k* + 1 the chain's stage *k*. A stage's failure is
/// reported as a ``RecordFailure`` whose `stage` is that number and whose `recordIndex` is the
/// failing record's index among the records this read made.
///
/// - Complexity: per read, O(records made) calls of the stages' functions, no allocation in
///   steady state.
@_documentation(visibility: internal)
public struct _FusedSourceReader<Reader: SourceReader, Chain: FusableStage>: SourceReader where Chain.Input == Reader.Output {
    public typealias Output = Chain.Output

    @usableFromInline var reader: Reader
    /// The chain, in memory of its own: each read pushes through it in place, without copying it.
    @usableFromInline let chain: _StageStorage<Chain>
    /// Where a reader that cannot push (the default ``SourceReader/read(pushingInto:maxCount:buffer:)``) reads first.
    @usableFromInline var buffer = Batch<Reader.Output>()
    /// Records the reader has made, and the chain has emitted.
    @usableFromInline var made = 0
    @usableFromInline var emitted = 0

    @inlinable
    public init(reader: Reader, chain: Chain) {
        var chain = chain
        var ordinal = 0
        chain.assignOrdinals(from: &ordinal)
        self.reader = reader
        self.chain = _StageStorage(chain)
    }

    /// The number of stages: the source and the chain's.
    public static var stageCount: Int { 1 + Chain.stageCount }

    public mutating func open(context: SourceContext) async throws {
        try await reader.open(context: context)
    }

    @inlinable @inline(__always)
    public mutating func read(into batch: inout Batch<Output>, maxCount: Int) async throws -> SourceStatus {
        let before = batch.count
        defer { emitted += batch.count - before }
        return try await batch.withAsyncAppender(reservingCapacity: maxCount) { appender in
            var link = _SourceLink(chain: chain.pointer, output: appender)
            defer {
                appender = link.output
                made += link.pushed
            }
            do {
                return try await reader.read(pushingInto: &link, maxCount: maxCount, buffer: &buffer)
            } catch let failure as StageFailure {
                throw Self.recordFailure(failure, pushed: link.pushed)
            }
        }
    }

    /// Reads without suspending if the reader can (see ``SourceReader/readImmediately(into:maxCount:)``).
    @inlinable @inline(__always)
    public mutating func readImmediately(into batch: inout Batch<Output>, maxCount: Int) throws -> SourceStatus? {
        let before = batch.count
        defer { emitted += batch.count - before }
        return try batch.withAppender(reservingCapacity: maxCount) { appender in
            var link = _SourceLink(chain: chain.pointer, output: appender)
            defer {
                appender = link.output
                made += link.pushed
            }
            do {
                return try reader.readImmediately(pushingInto: &link, maxCount: maxCount, buffer: &buffer)
            } catch let failure as StageFailure {
                throw Self.recordFailure(failure, pushed: link.pushed)
            }
        }
    }

    /// A chain stage's failure as the runtime reports it: stage 0 is the source, and the failing
    /// record is the last one pushed.
    @inlinable
    static func recordFailure(_ failure: StageFailure, pushed: Int) -> RecordFailure {
        RecordFailure(stage: failure.stage + 1, recordIndex: pushed - 1, record: failure.record, underlying: failure.underlying)
    }

    public mutating func close() async {
        await reader.close()
    }

    /// Whether the wrapped reader is: the stages it runs hold no position of their own.
    public var isReplayable: Bool { reader.isReplayable }

    /// The wrapped reader's splits: the stages it runs hold no position of their own.
    public func snapshotSplits(checkpoint: Int64) async throws -> [SourceSplit] { try await reader.snapshotSplits(checkpoint: checkpoint) }

    /// Resumes the wrapped reader from `splits`.
    public mutating func restoreSplits(_ splits: [SourceSplit]) throws { try reader.restoreSplits(splits) }

    public mutating func notifyCheckpointComplete(_ id: Int64) async throws { try await reader.notifyCheckpointComplete(id) }

    public mutating func notifyCheckpointAborted(_ id: Int64) async { await reader.notifyCheckpointAborted(id) }

    @inlinable
    public func internalStageCounts(into counts: inout [Int]) {
        counts.append(made)
        chain.pointer.pointee.handoffCounts(into: &counts, input: made, output: emitted)
    }
}

/// A stage value in memory of its own, so a loop can run it in place through a pointer. Not API.
///
/// ## Concurrency
/// Owned by one reader, which is confined to its task.
@usableFromInline
final class _StageStorage<Stage> {
    @usableFromInline let pointer: UnsafeMutablePointer<Stage>

    @inlinable
    init(_ stage: Stage) {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: stage)
    }

    @inlinable
    deinit {
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }
}

/// The collector a fused source pushes into: it runs the chain into the output batch and counts
/// the records. Not API.
@usableFromInline
struct _SourceLink<Chain: FusableStage>: RecordCollector {
    @usableFromInline let chain: UnsafeMutablePointer<Chain>
    @usableFromInline var output: BatchAppender<Chain.Output>
    @usableFromInline var pushed = 0

    @inlinable
    init(chain: UnsafeMutablePointer<Chain>, output: BatchAppender<Chain.Output>) {
        self.chain = chain
        self.output = output
    }

    @inlinable @inline(__always)
    mutating func collect(_ record: Chain.Input, at timestamp: EventTime) throws {
        pushed &+= 1
        try chain.pointee.run(record, at: timestamp, appendingTo: &output)
    }
}
