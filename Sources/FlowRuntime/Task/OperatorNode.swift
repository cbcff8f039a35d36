import FlowCore
import FlowGraph

/// Runs one body piece (a single operator or a fused chain) of a task.
final class OperatorNode<Input, Output>: Node<Input> {
    private let op: AnyOneInputOperator<Input, Output>
    private let next: Node<Output>
    /// `next`, if it is a sink (its write is then inlined here).
    private let sink: SinkNode<Output>?
    private let span: StageSpan
    /// Where the time `process` takes is counted as the step's work.
    private let pacer: StepPacer
    /// Kept between batches. Confined to the task, never accessed overlapping: no dynamic exclusivity check.
    @exclusivity(unchecked) private var scratch: Batch<Input>
    private var position: Int64 = 0
    private var internalCounts: [Int] = []
    /// The last watermark the node received: timers at or before it are due.
    private var watermark = Watermark(.unassigned)
    /// The most timers one step fires before their output is passed on.
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
    /// Where the node delivers the snapshots it takes on a barrier.
    private let collector: SnapshotCollector
    /// The instance's context, from `open`: its uid, place and key groups, for snapshots.
    private var context: OperatorContext?
    /// Whether the operator's `open` was called (it may have thrown): only such an operator is closed.
    private var opened = false
    private var closed = false

    init(op: AnyOneInputOperator<Input, Output>, next: Node<Output>, span: StageSpan, batchSize: Int, pacer: StepPacer, collector: SnapshotCollector) {
        self.op = op
        self.collector = collector
        self.next = next
        sink = next as? SinkNode<Output>
        self.span = span
        self.pacer = pacer
        scratch = Batch(capacity: batchSize)
        timerChunk = batchSize
        internalCounts.reserveCapacity(span.count)
    }

    /// Opens the operator and, if the job resumes, restores its state.
    func open(environment: OperatorEnvironment) throws {
        opened = true
        context = environment.context
        do {
            try op.open(context: environment.context)
            if let restored = environment.restored {
                let context = environment.context
                try restored.keyed.validate(forOperator: context.stageID, keyGroups: context.keyGroupRange, maxParallelism: context.maxParallelism)
                try op.restoreState(from: restored.keyed)
            }
        } catch {
            throw fail(error)
        }
    }

    /// Closes the operator once, if its `open` was called.
    func close() {
        guard opened, !closed else { return }
        closed = true
        op.close()
    }

    override func takeBuffer() -> Batch<Input> {
        var buffer = Batch<Input>()
        buffer.swapContents(with: &scratch)
        return buffer
    }

    override func commit(_ batch: inout Batch<Input>) async throws {
        let received = batch.count
        if received > 0 {
            var output = next.takeBuffer()
            let before = output.count
            let start = pacer.now()
            do {
                try op.process(&batch, into: &output)
            } catch {
                throw fail(error)
            }
            pacer.addWork(since: start)
            let emitted = output.count - before
            span.counters[span.first].addIn(received)
            publishCounts(emitted: emitted)
            position += Int64(received)
            if let sink { try await sink.write(&output) } else { try await next.commit(&output) }
            // A timer the batch registered at or before the watermark fires at once.
            if op.hasTimers, watermark.time.isAssigned, let due = op.nextEventTimer, due <= watermark.time.milliseconds {
                try await startSweep(at: watermark.time.milliseconds, then: nil)
            }
        }
        if batch.capacity > scratch.capacity { batch.swapContents(with: &scratch) }
    }

    /// Gives a watermark to the operator and passes on what it forwards. A watermark that makes
    /// timers due is held until the sweep over them ends (it then goes to the operator and on);
    /// meanwhile a barrier passes at once (its snapshot holds the timers not yet fired), and the
    /// other control elements (watermark status, cancellation, latency marker) wait behind the
    /// held watermark. With no sweep, they pass on unchanged.
    override func control(_ element: ControlElement) async throws {
        if case .watermark(let watermark) = element {
            self.watermark = watermark
            if sweep != nil {
                try await startSweep(at: watermark.time.milliseconds, then: watermark)  // extends the sweep in progress
                return
            }
            if op.hasTimers, let due = op.nextEventTimer, due <= watermark.time.milliseconds {
                // The watermark goes to the operator and on once its timers have fired.
                try await startSweep(at: watermark.time.milliseconds, then: watermark)
                return
            }
            try await passOn(watermark)
        } else if case .barrier(let barrier) = element {
            // The barrier arrived on every input (the gate aligned it), or was triggered at the
            // source: the state as of the records before it is the checkpoint's (timers a sweep in
            // progress has not fired yet are part of it).
            try snapshot(for: barrier.checkpointID)
            try await next.control(element)
        } else if sweep != nil {
            heldControls.append(element)
        } else {
            try await next.control(element)
        }
    }

    /// Hands `watermark` to the operator and passes on what it emits and forwards.
    private func passOn(_ watermark: Watermark) async throws {
            var output = next.takeBuffer()
            let before = output.count
            let forwarded: Watermark?
            do {
                forwarded = try op.processWatermark(watermark, into: &output)
            } catch {
                throw fail(error)
            }
            publishCounts(emitted: output.count - before)
            try await next.commit(&output)
            if let forwarded { try await next.control(.watermark(forwarded)) }
    }

    override func finish() async throws {
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
            try op.finish(into: &output)
        } catch {
            throw fail(error)
        }
        publishCounts(emitted: output.count - before)
        try await next.commit(&output)
        try await next.finish()
    }

    /// Fires one chunk (at most `timerChunk`) of the operator's timers due at `time` and passes its
    /// output on; returns whether more are due (the task steps the rest, so a sweep over many
    /// timers leaves in batches, waiting for credit between them).
    @inline(never)
    private func fireTimers(_ domain: TimeDomain, dueAt time: Int64) async throws -> Bool {
        var output = next.takeBuffer()
        let before = output.count
        let more: Bool
        do {
            more = try op.fireTimers(domain, dueAt: time, limit: timerChunk, into: &output)
        } catch {
            throw fail(error)
        }
        publishCounts(emitted: output.count - before)
        try await next.commit(&output)
        return more
    }

    /// Starts an event-time sweep at `time`: fires its first chunk; the task steps the rest.
    private func startSweep(at time: Int64, then watermark: Watermark?) async throws {
        if let current = sweep {
            // A sweep is in progress (input reached the node from a stage before it in the task):
            // it goes on to the later time and forwards the later watermark.
            sweep = (Swift.max(current.time, time), watermark ?? current.watermark)
            return
        }
        sweep = (time, watermark)
        try await continueSweep()
    }

    /// Takes the operator's snapshot for checkpoint `id` and delivers it.
    @inline(never)
    private func snapshot(for id: Int64) throws {
        guard let context else { return }
        var snapshot = OperatorSnapshot(operatorID: context.stageID, checkpointID: id, maxParallelism: context.maxParallelism)
        do {
            try op.snapshotState(checkpoint: id, into: &snapshot.keyed)
        } catch {
            throw fail(error)
        }
        collector.add(snapshot)
    }

    override func flushPartial() throws { try next.flushPartial() }
    override func drain() -> DrainResult { next.drain() }

    private func publishCounts(emitted: Int) {
        let last = span.first + span.count - 1
        span.counters[last].addOut(emitted)
        guard span.count > 1 else { return }
        internalCounts.removeAll(keepingCapacity: true)
        op.internalStageCounts(into: &internalCounts)
        span.setBoundaryCounts(internalCounts)
    }

    /// The error to fail the job with: a ``RecordFailure`` names its record and what failed on it;
    /// any other error from an operator (a custom one) is wrapped with the stage; a ``FlowError``
    /// passes through. The message says neither the record nor the cause, which the error carries.
    @inline(never)
    private func fail(_ error: any Error) -> FlowError {
        if let error = error as? FlowError { return error }
        guard let failure = error as? RecordFailure else {
            let stage = span.stages[span.first]
            return FlowError(.userFunctionFailed, "\(stage.kind) operator threw an error that names no record (an operator names one by throwing RecordFailure)",
                             stageName: stage.name, stageID: stage.uid, subtask: span.subtask, underlying: error)
        }
        let index = span.first + min(max(failure.stage, 0), span.count - 1)
        let stage = span.stages[index]
        let input = span.count > 1 ? "of the input of the fused chain '\(span.stages[span.first].name)…'" : "of its input"
        let recordPosition = position + Int64(failure.recordIndex)
        return FlowError(.userFunctionFailed, failure.summary(kind: stage.kind, position: recordPosition, input: input),
                         stageName: stage.name, stageID: stage.uid, subtask: span.subtask,
                         recordPosition: recordPosition, record: failure.record, underlying: failure.underlying)
    }
}

extension OperatorNode: CheckpointParticipant {
    func checkpointComplete(_ id: Int64) async throws {
        do {
            try op.notifyCheckpointComplete(id)
        } catch {
            throw fail(error)
        }
    }

    func checkpointAborted(_ id: Int64) async { op.notifyCheckpointAborted(id) }
}

extension OperatorNode: ProcessingTimerNode {
    var nextProcessingTimer: Int64? { op.nextProcessingTimer }

    /// Fires one chunk of the processing-time timers due at `now` (the task steps again for the rest).
    func fireProcessingTimers(dueAt now: Int64) async throws {
        _ = try await fireTimers(.processingTime, dueAt: now)
        try next.flushPartial()
    }

    var isSweeping: Bool { sweep != nil }

    /// Fires the next chunk of the sweep in progress; after the last, hands the sweep's watermark
    /// to the operator and passes it on, and finishes if the input ended meanwhile.
    func continueSweep() async throws {
        guard let (time, watermark) = sweep else { return }
        if try await fireTimers(.eventTime, dueAt: time) { return }
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
}
