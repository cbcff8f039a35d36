import FlowCore
import FlowGraph

/// Runs one part of a task through the one erasure, ``AnyOperator``: the task's source (a reader,
/// maybe fused with the stages after it), an operator (one stage or a fused chain), or its sink.
///
/// Every part has the same life here: opened (resuming from its share of a snapshot, before
/// `open` for a source, after it for the others), given batches, watermarks and control elements,
/// snapshotted when a checkpoint's barrier reaches it (an operator's keyed state and timers, a
/// source's splits, a sink's pre-commit, each delivered to the run's ``SnapshotCollector``), told
/// when a checkpoint completes or is aborted, finished, and closed once if it was opened.
///
/// Records move on synchronously: ``commit(_:)`` runs the part on the batch and commits its output
/// to the next node, so a batch crosses the whole task in nested calls without an async frame per
/// node. Only a sink's writer may have to suspend (an I/O sink waiting for its consumer): its batch
/// is then kept (*parked*) and the task loop awaits the write before anything else
/// (``completeParked()``); every control element and the end of input wait for it too, so order is
/// kept, and the task reads no more input until it is written (backpressure).
///
/// ## Concurrency
/// Confined to the task instance that owns it.
final class StageNode<Input, Output>: Node<Input> {
    private let op: AnyOperator<Input, Output>
    private let role: OperatorRole
    private let next: Node<Output>
    private let span: StageSpan
    private let environment: OperatorEnvironment
    /// Where the time a run takes is counted as the step's work (a source or an operator), or the
    /// bytes a sink is given as the step's output.
    private let pacer: StepPacer
    /// Where the node delivers the snapshots it takes on a barrier.
    private let collector: SnapshotCollector
    /// Kept between batches. Confined to the task, never accessed overlapping: no dynamic exclusivity check.
    @exclusivity(unchecked) private var scratch: Batch<Input>
    /// Records the part consumed (an operator, a sink) or made (a source, fused stages apart) so
    /// far: the position of the next one, for errors.
    private var position: Int64 = 0
    private var internalCounts: [Int] = []
    /// A source's batch from a read that would have suspended, with its records before the read
    /// and the read's room: ``readSuspending()`` reads on into it.
    @exclusivity(unchecked) private var readBuffer = Batch<Output>()
    private var heldRead = (before: 0, maxCount: 0)
    /// What a sink's run writes into and a source's run reads from: always empty (kept, so no run
    /// makes a batch of a generic type, which unspecialized code would look up type metadata for).
    @exclusivity(unchecked) private var noOutput = Batch<Output>()
    @exclusivity(unchecked) private var noInput = Batch<Input>()
    /// A sink's records whose write must suspend; written by ``completeParked()``.
    @exclusivity(unchecked) private var parked = Batch<Input>()
    /// Measures what a sink is given, for the pacer.
    private let meter = RecordMeter<Input>()
    /// The last watermark the node received: timers at or before it are due.
    private var watermark = Watermark(.unassigned)
    /// The most timers one step fires before their output is passed on, and the most records a
    /// source's read fills a batch to: the batch size.
    private let timerChunk: Int
    /// The event-time sweep in progress: the time timers are due at, and the watermark to hand to
    /// the operator and pass on when the last due timer has fired (`nil` for the timers a batch
    /// registered in the past). The task steps the sweep, a chunk per step, before it takes more
    /// input, so its mailbox is served between chunks.
    private var sweep: (time: Int64, watermark: Watermark?)?
    /// Whether the input ended during a sweep: the node finishes when the sweep has.
    private var finishAfterSweep = false
    /// Control elements that came during a sweep, passed on after its watermark.
    private var heldControls: [ControlElement] = []
    /// Whether the part's `open` was called (it may have thrown): only such a part is closed.
    private var opened = false
    private var closed = false

    init(
        op: AnyOperator<Input, Output>, next: Node<Output>, environment: OperatorEnvironment, span: StageSpan, batchSize: Int,
        pacer: StepPacer, collector: SnapshotCollector
    ) {
        self.op = op
        role = op.role
        self.next = next
        self.environment = environment
        self.span = span
        self.pacer = pacer
        self.collector = collector
        scratch = Batch(capacity: op.role == .source ? 0 : batchSize)
        timerChunk = batchSize
        internalCounts.reserveCapacity(span.count)
    }

    private var context: OperatorContext { environment.context }

    // MARK: Lifecycle

    /// Opens the part and, if the job resumes, restores its share of the snapshot (a source's
    /// splits before `open`, an operator's keyed state and timers after it).
    func open() async throws {
        let restored = environment.restored
        if let restored {
            try guarded(while: "restoring its state") {
                try restored.keyed.validate(forOperator: context.stageID, keyGroups: context.keyGroupRange, maxParallelism: context.maxParallelism)
            }
        }
        if op.restoresBeforeOpen, let restored {
            // Before open: the reader reads the restored splits instead of cutting its input.
            try guarded(while: "restoring its splits") { try op.restoreState(from: restored) }
        }
        opened = true
        do {
            try await op.open(context: context)
        } catch {
            throw fail(error, while: "opening")
        }
        if !op.restoresBeforeOpen, let restored {
            try guarded(while: "restoring its state") { try op.restoreState(from: restored) }
        }
    }

    /// Closes the part once, if its `open` was called; safe to call more than once.
    func close() async {
        guard opened, !closed else { return }
        closed = true
        await op.close()
    }

    // MARK: Records

    override func takeBuffer() -> Batch<Input> {
        var buffer = Batch<Input>()
        buffer.swapContents(with: &scratch)
        return buffer
    }

    /// Runs the operator on `batch`, or writes it with the sink (parking it if the write must
    /// suspend), and commits the output to the next node.
    override func commit(_ batch: inout Batch<Input>) throws {
        if !batch.isEmpty {
            if role == .sink { try write(&batch) } else { try process(&batch) }
        }
        if batch.capacity > scratch.capacity { batch.swapContents(with: &scratch) }
    }

    @inline(__always)
    private func process(_ batch: inout Batch<Input>) throws {
        let received = batch.count
        var output = next.takeBuffer()
        let before = output.count
        let start = pacer.now()
        do {
            _ = try op.processImmediately(&batch, into: &output)
        } catch {
            throw fail(error)
        }
        pacer.addWork(since: start)
        span.counters[span.first].addIn(received)
        publishCounts(emitted: output.count - before)
        position += Int64(received)
        try next.commit(&output)
        // A timer the batch registered at or before the watermark fires at once.
        if op.hasTimers, watermark.time.isAssigned, let due = op.nextEventTimer, due <= watermark.time.milliseconds {
            if try beginSweep(at: watermark.time.milliseconds, then: nil) { sweep = nil }  // nothing held: it began now
        }
    }

    @inline(__always)
    private func write(_ batch: inout Batch<Input>) throws {
        let count = batch.count
        pacer.addOutputBytes(meter.bytes(of: batch))
        if !parked.isEmpty {
            // Behind the records already waiting.
            parked.append(contentsOf: batch)
            batch.removeAll(keepingCapacity: true)
            return
        }
        let wrote: Bool
        do {
            // A writer that can write without suspending is called synchronously.
            wrote = try op.processImmediately(&batch, into: &noOutput)
        } catch {
            throw fail(error, while: "writing")
        }
        guard wrote else {
            parked.swapContents(with: &batch)
            parking.isParked = true
            return
        }
        position += Int64(count)
        span.counters[span.first].addIn(count)
        if !batch.isEmpty { batch.removeAll(keepingCapacity: true) }
    }

    /// Whether a sink's write waits to be completed by ``completeParked()``.
    let parking = Parking()

    /// Writes what the sink parked, suspending as the writer must.
    @inline(never)
    func completeParked() async throws {
        while !parked.isEmpty {
            let count = parked.count
            do {
                _ = try await op.run(&parked, into: &noOutput, maxCount: count)
            } catch {
                throw fail(error, while: "writing")
            }
            position += Int64(count)
            span.counters[span.first].addIn(count)
            parked.removeAll(keepingCapacity: true)
        }
        parking.isParked = false
    }

    /// Reads once from the source without suspending (at most `limit` records, and no more than
    /// fill the batch the next node hands out; pushed through any stages fused into it) and
    /// commits what it read; returns the reader's status (``madeByLastRead`` says how many records
    /// the source itself made), or `nil`, having read nothing, if the reader would have to suspend
    /// (call ``readSuspending()`` then). Synchronous, so a reader that never waits costs the task
    /// no async frame per read.
    @inline(__always)
    func readImmediately(limit: Int) throws -> SourceStatus? {
        var buffer = next.takeBuffer()
        let before = buffer.count
        let maxCount = Swift.max(1, Swift.min(timerChunk - before, limit))
        // The read, with the stages fused into it, is the step's work: a read of records that
        // cost much each is kept short (the pacer's limit), so they leave within the flush timeout.
        let start = pacer.now()
        let status: SourceStatus?
        do {
            status = try op.readImmediately(into: &buffer, maxCount: maxCount)
        } catch {
            // Counts stay as of the last whole read, as an operator's do when it fails: the
            // records of a failed read never reach the next stage.
            throw fail(error, while: "reading")
        }
        guard let status else {
            // Kept for ``readSuspending()``, which reads on into it (it may hold records the next
            // node had gathered).
            readBuffer.swapContents(with: &buffer)
            heldRead = (before, maxCount)
            return nil
        }
        try commitRead(&buffer, before: before, since: start)
        return status
    }

    /// The read ``readImmediately(limit:)`` declined (it returned `nil`), suspending as the reader
    /// must, into the batch that read kept.
    @inline(never)
    func readSuspending() async throws -> SourceStatus {
        var buffer = Batch<Output>()
        buffer.swapContents(with: &readBuffer)
        let (before, maxCount) = heldRead
        let start = pacer.now()
        let status: SourceStatus
        do {
            status = try await op.run(&noInput, into: &buffer, maxCount: maxCount)
        } catch {
            throw fail(error, while: "reading")
        }
        try commitRead(&buffer, before: before, since: start)
        return status
    }

    /// Counts what a read appended to `buffer` after its first `before` records and commits it;
    /// sets ``madeByLastRead``.
    @inline(__always)
    private func commitRead(_ buffer: inout Batch<Output>, before: Int, since start: Int64) throws {
        pacer.addWork(since: start)
        let read = buffer.count - before
        let madeBefore = position
        publishCounts(emitted: read)
        if span.count > 1 {
            if !internalCounts.isEmpty { position = Int64(internalCounts[0]) }
        } else {
            position += Int64(read)
        }
        madeByLastRead = Int(position - madeBefore)
        try next.commit(&buffer)
    }

    /// How many records the source itself made in its last read (a fused chain may have dropped
    /// them all; they count for pacing).
    private(set) var madeByLastRead = 0

    /// The source ended: the final watermark, then the end of input, go on.
    func endOfSource() async throws {
        try await next.control(.watermark(.maximum))
        try await next.finish()
    }

    // MARK: Control

    /// Gives a watermark to the part and passes on what it forwards. A watermark that makes
    /// timers due is held until the sweep over them ends (it then goes to the operator and on);
    /// meanwhile a barrier passes at once (its snapshot holds the timers not yet fired), and the
    /// other control elements (watermark status, cancellation, latency marker) wait behind the
    /// held watermark. With no sweep, they pass on unchanged. A sink forwards nothing.
    override func control(_ element: ControlElement) async throws {
        if !parked.isEmpty { try await completeParked() }
        if case .watermark(let watermark) = element {
            self.watermark = watermark
            if sweep != nil || (op.hasTimers && op.nextEventTimer.map { $0 <= watermark.time.milliseconds } == true) {
                // The watermark goes to the operator and on once its timers have fired (a sweep in
                // progress goes on to the later time).
                if try beginSweep(at: watermark.time.milliseconds, then: watermark) { try await endSweep() }
                return
            }
            try await passOn(watermark)
        } else if case .barrier(let barrier) = element {
            // The barrier arrived on every input (the gate aligned it), or was triggered at the
            // source: the state as of the records before it is the checkpoint's (timers a sweep in
            // progress has not fired yet are part of it).
            try await snapshot(for: barrier.checkpointID)
            try await next.control(element)
        } else if sweep != nil {
            heldControls.append(element)
        } else {
            try await next.control(element)
        }
    }

    /// Hands `watermark` to the part and passes on what it emits and forwards.
    private func passOn(_ watermark: Watermark) async throws {
        var output = next.takeBuffer()
        let before = output.count
        let forwarded: Watermark?
        do {
            forwarded = try await op.processWatermark(watermark, into: &output)
        } catch {
            throw fail(error, while: "taking a watermark")
        }
        publishCounts(emitted: output.count - before)
        try next.commit(&output)
        if let forwarded { try await next.control(.watermark(forwarded)) }
    }

    override func finish() async throws {
        if !parked.isEmpty { try await completeParked() }
        if sweep != nil {
            finishAfterSweep = true
            return
        }
        try await finishNow()
    }

    private func finishNow() async throws {
        var output = next.takeBuffer()
        let before = output.count
        do {
            try await op.finish(into: &output)
        } catch {
            throw fail(error, while: "finishing")
        }
        publishCounts(emitted: output.count - before)
        try next.commit(&output)
        try await next.finish()
    }

    override func flushPartial() throws { try next.flushPartial() }
    override func drain() -> DrainResult { next.drain() }

    // MARK: Checkpoints

    /// Takes the part's snapshot for checkpoint `id` and delivers it.
    @inline(never)
    private func snapshot(for id: Int64) async throws {
        guard opened else { return }
        var snapshot = OperatorSnapshot(operatorID: context.stageID, checkpointID: id, maxParallelism: context.maxParallelism)
        do {
            try await op.snapshotState(checkpoint: id, into: &snapshot)
        } catch {
            let action =
                switch role {
                case .source: "storing its position for checkpoint \(id)"
                case .transform: "storing its state for checkpoint \(id)"
                case .sink: "pre-committing checkpoint \(id)"
                }
            throw fail(error, while: action)
        }
        collector.add(snapshot)
    }

    /// At a source: stores the reader's positions for checkpoint `id` and sends its barrier after
    /// the records read so far. A source that cannot store its position (an `AsyncSequence`)
    /// declines: it sends no barrier, so the checkpoint never completes, and the job runs on.
    func triggerCheckpoint(_ id: Int64) async throws {
        guard opened, !closed, op.isReplayable else { return }
        try await snapshot(for: id)
        try await next.control(.barrier(CheckpointBarrier(checkpointID: id, triggeredAt: context.processingTime.now())))
    }

    // MARK: Timers

    /// Fires one chunk (at most `timerChunk`) of the operator's timers due at `time` and passes its
    /// output on; returns whether more are due (the task steps the rest, so a sweep over many
    /// timers leaves in batches, waiting for credit between them).
    @inline(never)
    private func fireTimers(_ domain: TimeDomain, dueAt time: Int64) throws -> Bool {
        var output = next.takeBuffer()
        let before = output.count
        let more: Bool
        do {
            more = try op.fireTimers(domain, dueAt: time, limit: timerChunk, into: &output)
        } catch {
            throw fail(error)
        }
        publishCounts(emitted: output.count - before)
        try next.commit(&output)
        return more
    }

    /// Starts an event-time sweep at `time` and fires its first chunk, or moves the sweep in
    /// progress on to the later time and watermark (input reached the node from a stage before it
    /// in the task). Returns whether the sweep's due timers are all fired (``endSweep()`` then).
    private func beginSweep(at time: Int64, then watermark: Watermark?) throws -> Bool {
        if let current = sweep {
            sweep = (Swift.max(current.time, time), watermark ?? current.watermark)
            return false
        }
        sweep = (time, watermark)
        return try !fireTimers(.eventTime, dueAt: time)
    }

    /// After the sweep's last chunk: hands its watermark to the operator and passes it on, then
    /// the control elements held meanwhile, and finishes if the input ended meanwhile.
    private func endSweep() async throws {
        let watermark = sweep?.watermark
        sweep = nil
        if let watermark { try await passOn(watermark) }
        if !heldControls.isEmpty {
            let held = heldControls
            heldControls.removeAll()
            for element in held { try await next.control(element) }
        }
        if finishAfterSweep {
            finishAfterSweep = false
            try await finishNow()
        }
    }

    // MARK: Counts and errors

    private func publishCounts(emitted: Int) {
        let last = span.first + span.count - 1
        span.counters[last].addOut(emitted)
        guard span.count > 1 else { return }
        internalCounts.removeAll(keepingCapacity: true)
        op.internalStageCounts(into: &internalCounts)
        span.setBoundaryCounts(internalCounts)
    }

    private func guarded<R>(while action: String, _ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch {
            throw fail(error, while: action)
        }
    }

    /// The error to fail the job with. A ``FlowError`` passes through. A ``RecordFailure`` (an
    /// operator's, or a stage's fused into a source) names its record and what failed on it. Any
    /// other error is wrapped with the stage: a reader's as a source failure, a writer's as a sink
    /// failure, an operator's as a user function's. The message says neither the record nor the
    /// cause, which the error carries.
    @inline(never)
    private func fail(_ error: any Error, while action: String = "processing") -> FlowError {
        if let error = error as? FlowError { return error }
        switch role {
        case .source:
            if error is CancellationError {
                return FlowError(
                    .cancelled, "the job was cancelled while its source was \(action)", stageName: context.stageName,
                    stageID: context.stageID, subtask: context.subtask)
            }
            if span.count > 1, let failure = error as? RecordFailure {
                // A stage fused into the source threw (stage 0 is the source itself).
                let stage = span.stages[min(max(failure.stage, 0), span.count - 1)]
                let recordPosition = position + Int64(failure.recordIndex)
                return FlowError(
                    .userFunctionFailed,
                    failure.summary(
                        kind: stage.kind, position: recordPosition,
                        input: "made by the source '\(context.stageName)' (fused with it)"),
                    stageName: stage.name, stageID: stage.uid, subtask: context.subtask, recordPosition: recordPosition,
                    record: failure.record, underlying: failure.underlying)
            }
            return FlowError(
                .sourceFailed, "the source's reader threw while \(action)", stageName: context.stageName, stageID: context.stageID,
                subtask: context.subtask, underlying: error)
        case .sink:
            let stage = span.stages[span.first]
            return FlowError(
                .sinkFailed, "the sink's writer threw while \(action)", stageName: stage.name, stageID: stage.uid,
                subtask: span.subtask, underlying: error)
        case .transform:
            guard let failure = error as? RecordFailure else {
                let stage = span.stages[span.first]
                return FlowError(
                    .userFunctionFailed, "\(stage.kind) operator threw an error that names no record (an operator names one by throwing RecordFailure)",
                    stageName: stage.name, stageID: stage.uid, subtask: span.subtask, underlying: error)
            }
            let index = span.first + min(max(failure.stage, 0), span.count - 1)
            let stage = span.stages[index]
            let input = span.count > 1 ? "of the input of the fused chain '\(span.stages[span.first].name)…'" : "of its input"
            let recordPosition = position + Int64(failure.recordIndex)
            return FlowError(
                .userFunctionFailed, failure.summary(kind: stage.kind, position: recordPosition, input: input),
                stageName: stage.name, stageID: stage.uid, subtask: span.subtask,
                recordPosition: recordPosition, record: failure.record, underlying: failure.underlying)
        }
    }
}

extension StageNode: TaskStage {
    var isSource: Bool { role == .source }
    var isSink: Bool { role == .sink }
    var hasTimers: Bool { op.hasTimers }
    var nextProcessingTimer: Int64? { op.nextProcessingTimer }
    var isSweeping: Bool { sweep != nil }

    func checkpointComplete(_ id: Int64) async throws {
        guard opened, !closed else { return }
        do {
            try await op.notifyCheckpointComplete(id)
        } catch {
            throw fail(error, while: role == .sink ? "committing checkpoint \(id)" : "taking the completion of checkpoint \(id)")
        }
    }

    func checkpointAborted(_ id: Int64) async {
        guard opened, !closed else { return }
        await op.notifyCheckpointAborted(id)
    }

    /// Fires one chunk of the processing-time timers due at `now` (the task steps again for the rest).
    func fireProcessingTimers(dueAt now: Int64) throws {
        _ = try fireTimers(.processingTime, dueAt: now)
        try next.flushPartial()
    }

    /// Fires the next chunk of the sweep in progress; after the last, ends it (``endSweep()``).
    func continueSweep() async throws {
        guard let (time, _) = sweep else { return }
        if try fireTimers(.eventTime, dueAt: time) { return }
        try await endSweep()
    }
}
