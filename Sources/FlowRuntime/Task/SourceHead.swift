import FlowCore
import FlowGraph

/// The head of a task that runs a source: a plain one, or one fused with the pure stages after
/// it (its reader pushes each record through them, and the span covers them all).
final class SourceHead<Output: Sendable>: TaskHeadDriver {
    private let reader: AnySourceReader<Output>
    private let first: Node<Output>
    /// `first`, if it is a sink (its write is then inlined here).
    private let sink: SinkNode<Output>?
    private let context: SourceContext
    /// The splits the reader resumes from, if the job is restored.
    private let restoredSplits: [SourceSplit]?
    /// Where the head delivers the reader's positions when a checkpoint is triggered.
    private let collector: SnapshotCollector
    /// The stages the reader runs: the source, then any fused stages.
    private let span: StageSpan
    private let batchSize: Int
    /// How many records a read may make (see ``StepPacer``).
    private let pacer: StepPacer
    /// Records the source itself has made, as of the last read.
    private var made: Int64 = 0
    private var internalCounts: [Int] = []
    /// Whether the reader's `open` was called (it may have thrown): only such a reader is closed.
    private var opened = false
    private var closed = false

    init(reader: AnySourceReader<Output>, first: Node<Output>, environment: OperatorEnvironment, span: StageSpan, batchSize: Int, pacer: StepPacer,
         collector: SnapshotCollector) {
        self.reader = reader
        self.collector = collector
        self.first = first
        sink = first as? SinkNode<Output>
        context = environment.context
        restoredSplits = environment.restored?.splits
        self.span = span
        self.batchSize = batchSize
        self.pacer = pacer
        internalCounts.reserveCapacity(span.count)
    }

    override func open() async throws {
        if let restoredSplits {
            // Before open: the reader reads the restored splits instead of cutting its input.
            try await guarded(while: "restoring its splits") { try reader.restoreSplits(restoredSplits) }
        }
        opened = true
        try await guarded(while: "opening") { try await reader.open(context: context) }
    }

    override func step() async throws -> StepResult {
        var buffer = first.takeBuffer()
        let before = buffer.count
        let status: SourceStatus
        // The read, with the stages fused into it, is the step's work: a read of records that
        // cost much each is kept short (the pacer's limit), so they leave within the flush timeout.
        let start = pacer.now()
        do {
            // Not through `guarded`: a closure costs an async frame per batch. A reader that can
            // read without suspending is called synchronously, sparing one more.
            let room = Swift.max(1, Swift.min(batchSize - before, pacer.limit))
            if let now = try reader.readImmediately(into: &buffer, maxCount: room) {
                status = now
            } else {
                status = try await reader.read(into: &buffer, maxCount: room)
            }
        } catch {
            // Counts stay as of the last whole read, as an operator's do when it fails: the
            // records of a failed read never reach the next stage.
            throw failure(error)
        }
        pacer.addWork(since: start)
        let read = buffer.count - before
        let madeBefore = made
        publishCounts(emitted: read)
        // Records the source itself made: a fused chain may have dropped all of them.
        let sourceRead = span.count > 1 ? Int(made - madeBefore) : read
        if let sink { try await sink.write(&buffer) } else { try await first.commit(&buffer) }
        pacer.endStep(records: sourceRead)
        switch status {
        case .more:
            return .progressed
        case .idle(let until):
            try first.flushPartial()
            // A source that read records and cannot say when more come (an AsyncSequence after
            // each element) is read again at once: the idle back-off is for reads that find
            // nothing, and would otherwise hold such a source to one element per back-off.
            return sourceRead > 0 && until == nil ? .progressed : .idle(until: until)
        case .finished:
            try await first.control(.watermark(.maximum))
            try await first.finish()
            hasEnded = true
            await close()
            return .progressed
        }
    }

    override func drain() -> DrainResult { first.drain() }

    /// Stores the reader's positions for checkpoint `id` and sends its barrier after the records
    /// read so far. A source that has ended takes no part; one that cannot store its position
    /// (an `AsyncSequence`) declines: it sends no barrier, so the checkpoint never completes, and
    /// the job runs on.
    override func triggerCheckpoint(_ id: Int64) async throws {
        guard opened, !hasEnded else { return }
        let splits: [SourceSplit]
        do {
            splits = try reader.snapshotSplits(checkpoint: id)
        } catch let error as FlowError where error.code == .invalidConfiguration {
            return  // not replayable (the default ``SourceReader/snapshotSplits(checkpoint:)``)
        } catch {
            throw failure(error, while: "storing its position for checkpoint \(id)")
        }
        collector.add(OperatorSnapshot(operatorID: context.stageID, checkpointID: id, maxParallelism: context.maxParallelism, splits: splits))
        try await first.control(.barrier(CheckpointBarrier(checkpointID: id, triggeredAt: context.processingTime.now())))
    }

    override func checkpointComplete(_ id: Int64) async throws {
        guard opened, !closed else { return }
        try await guarded(while: "taking the completion of checkpoint \(id)") { try await reader.notifyCheckpointComplete(id) }
    }

    override func checkpointAborted(_ id: Int64) async {
        guard opened, !closed else { return }
        await reader.notifyCheckpointAborted(id)
    }


    override func close() async {
        guard opened, !closed else { return }
        closed = true
        await reader.close()
    }

    /// Adds the records the last stage emitted; for a fused source, sets the counts at each
    /// stage boundary inside it.
    private func publishCounts(emitted: Int) {
        span.counters[span.count - 1].addOut(emitted)
        guard span.count > 1 else {
            made += Int64(emitted)
            return
        }
        internalCounts.removeAll(keepingCapacity: true)
        reader.internalStageCounts(into: &internalCounts)
        span.setBoundaryCounts(internalCounts)
        if !internalCounts.isEmpty { made = Int64(internalCounts[0]) }
    }

    private func guarded<R>(while action: String, _ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch {
            throw failure(error, while: action)
        }
    }

    /// The error a failing read (or open, the `action`) fails the job with (`made` must not yet
    /// count the read). The message does not repeat the cause, which the error carries.
    @inline(never)
    private func failure(_ error: any Error, while action: String = "reading") -> FlowError {
        if let error = error as? FlowError { return error }
        if error is CancellationError {
            return FlowError(.cancelled, "the job was cancelled while its source was \(action)", stageName: context.stageName,
                             stageID: context.stageID, subtask: context.subtask)
        }
        if span.count > 1, let failure = error as? RecordFailure {
            // A stage fused into the source threw (stage 0 is the source itself).
            let stage = span.stages[min(max(failure.stage, 0), span.count - 1)]
            let position = made + Int64(failure.recordIndex)
            return FlowError(.userFunctionFailed,
                             failure.summary(kind: stage.kind, position: position, input: "made by the source '\(context.stageName)' (fused with it)"),
                             stageName: stage.name, stageID: stage.uid, subtask: context.subtask, recordPosition: position,
                             record: failure.record, underlying: failure.underlying)
        }
        return FlowError(.sourceFailed, "the source's reader threw while \(action)", stageName: context.stageName, stageID: context.stageID,
                         subtask: context.subtask, underlying: error)
    }
}

