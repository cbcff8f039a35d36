import FlowCore
import FlowGraph

/// What one scheduling step of a task achieved.
enum StepResult: Equatable {
    /// The task moved records or control elements.
    case progressed
    /// The task's source has nothing now; look again at `until` (or soon, if nil).
    case idle(until: ContinuousClock.Instant?)
    /// The task waits for input from its channels.
    case waitingForInput
    /// The task waits for credit on an output channel.
    case waitingForCredit
    /// The task is done.
    case finished
}

/// Where a task instance's elements come from.
///
/// A base class, not a protocol: a call through a protocol existential goes through an async
/// witness thunk, one more async frame per step.
class TaskHeadDriver {
    /// Whether the input has ended and the body was finished.
    final var hasEnded = false

    /// Opens the head's source or nothing.
    func open() async throws {}
    /// Moves one batch or control element into the task's body.
    func step() async throws -> StepResult { preconditionFailure("\(Self.self): step not overridden") }
    /// Tries to send queued output downstream.
    func drain() -> DrainResult { preconditionFailure("\(Self.self): drain not overridden") }
    /// Releases the source, if any and if it was opened (on success, failure and cancellation).
    func close() async {}
}

/// The head of a task that runs a source: a plain one, or one fused with the pure stages after
/// it (its reader pushes each record through them, and the span covers them all).
final class SourceHead<Output: Sendable>: TaskHeadDriver {
    private let reader: AnySourceReader<Output>
    private let first: Node<Output>
    /// `first`, if it is a sink (its write is then inlined here).
    private let sink: SinkNode<Output>?
    private let context: SourceContext
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

    init(reader: AnySourceReader<Output>, first: Node<Output>, context: SourceContext, span: StageSpan, batchSize: Int, pacer: StepPacer) {
        self.reader = reader
        self.first = first
        sink = first as? SinkNode<Output>
        self.context = context
        self.span = span
        self.batchSize = batchSize
        self.pacer = pacer
        internalCounts.reserveCapacity(span.count)
    }

    override func open() async throws {
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

/// The head of a task that reads channels: it merges them, tracks the watermark (the minimum
/// over channels that have not ended) and ends when every channel has ended.
///
/// A received batch larger than the pacer's limit (records that cost much each to process, or
/// that grow much on the way) is taken in slices, one per step; nothing else is received until
/// its last slice is in, so order is kept.
final class InputHead<Input>: TaskHeadDriver {
    private let channels: [any BridgeReceiver<Input>]
    private let first: Node<Input>
    private var ended: [Bool]
    private var watermarks: [Watermark]
    private var emittedWatermark = Watermark(.unassigned)
    private var lastBarrier: Int64 = .min
    private var nextChannel = 0
    /// How many records a step may take in (see ``StepPacer``).
    private let pacer: StepPacer
    /// The batch being taken in slices, and the channel it came from (which gets it back emptied).
    private var slicer = BatchSlicer<Input>()
    private var slicedChannel = 0
    /// The batch each slice is moved into. Confined to the task: no dynamic exclusivity check.
    @exclusivity(unchecked) private var slice = Batch<Input>()

    init(channels: [any BridgeReceiver<Input>], first: Node<Input>, pacer: StepPacer) {
        self.channels = channels
        self.first = first
        self.pacer = pacer
        ended = channels.map { _ in false }
        watermarks = channels.map { _ in Watermark(.unassigned) }
    }

    override func open() async throws {}

    override func step() async throws -> StepResult {
        if !slicer.isEmpty {
            try await commitSlice()
            return .progressed
        }
        let count = channels.count
        for offset in 0..<count {
            let index = (nextChannel + offset) % count
            guard !ended[index], let element = channels[index].receive() else { continue }
            nextChannel = (index + 1) % count
            // `consume`: the batch must be the only reference to its storage, or the operators'
            // in-place writes (a sink's `removeAll(keepingCapacity:)`) copy it.
            switch consume element {
            case .batch(var batch):
                let records = batch.count
                if records > pacer.limit {
                    slicer.start(consume batch)
                    slicedChannel = index
                    try await commitSlice()
                } else {
                    try await first.commit(&batch)
                    channels[index].recycle(consume batch)
                    pacer.endStep(records: records)
                }
            case .control(let control):
                try await handle(control, from: index)
                pacer.endStep(records: 0)  // what a watermark or the end made is not the next step's
            }
            return .progressed
        }
        try first.flushPartial()
        return .waitingForInput
    }

    /// Takes in the next slice of the batch being sliced: as many records as the pacer allows.
    ///
    /// - Complexity: O(slice) record moves, plus the body's work on them.
    @inline(never)
    private func commitSlice() async throws {
        var part = Batch<Input>()
        part.swapContents(with: &slice)
        let emptied = slicer.moveNext(pacer.limit, appendingTo: &part)
        let records = part.count
        try await first.commit(&part)
        part.removeAll(keepingCapacity: true)  // commit empties it; the next slice must not follow leftovers
        part.swapContents(with: &slice)
        if let emptied { channels[slicedChannel].recycle(emptied) }
        pacer.endStep(records: records)
    }

    private func handle(_ control: ControlElement, from index: Int) async throws {
        switch control {
        case .watermark(let watermark):
            watermarks[index] = Swift.max(watermarks[index], watermark)
            try await advanceWatermark()
        case .barrier(let barrier):
            // Alignment arrives with checkpointing; until then each barrier is forwarded once.
            if barrier.checkpointID > lastBarrier {
                lastBarrier = barrier.checkpointID
                try await first.control(control)
            }
        case .latencyMarker:
            try await first.control(control)
        case .endOfInput:
            ended[index] = true
            if ended.allSatisfy({ $0 }) {
                try await first.finish()
                hasEnded = true
            } else {
                try await advanceWatermark()
            }
        }
    }

    private func advanceWatermark() async throws {
        let active = channels.indices.filter { !ended[$0] }.map { watermarks[$0] }
        guard let minimum = active.min(), minimum > emittedWatermark else { return }
        emittedWatermark = minimum
        try await first.control(.watermark(minimum))
    }

    override func drain() -> DrainResult { first.drain() }

    override func close() async {}
}

/// One parallel instance of a physical task.
///
/// ## Concurrency
/// Built on the job's task, then handed to exactly one runner (the sync scheduler, a dispatch
/// thread or an actor-backend task), which alone steps it until it ends; the job's task closes
/// it after every runner ended. `@unchecked Sendable` for that hand-over: no two threads use an
/// instance at the same time.
final class TaskInstance: @unchecked Sendable {
    /// "Task 2 'Map → Sink' #0", for traces and errors.
    let label: String
    /// The backend that runs the instance.
    let backend: BackendKind
    /// The signal its bridges notify when input arrives or a credit returns.
    let signal: TaskSignal
    /// Where it reports how it spends its time.
    let counters: TaskCounters
    private let head: TaskHeadDriver
    private let openBody: () async throws -> Void
    private let closeBody: () async -> Void
    private(set) var isFinished = false
    /// Whether ``open()`` was called (it may have thrown): an instance never opened is not closed.
    private var opened = false
    private var closed = false

    init(label: String, backend: BackendKind, signal: TaskSignal, counters: TaskCounters, head: TaskHeadDriver,
         openBody: @escaping () async throws -> Void, closeBody: @escaping () async -> Void) {
        self.label = label
        self.backend = backend
        self.signal = signal
        self.counters = counters
        self.head = head
        self.openBody = openBody
        self.closeBody = closeBody
    }

    /// Opens the body (operators, then the sink) and then the head (the source): a source starts
    /// only once everything after it in its task is ready. If one open throws, what comes after
    /// it is not opened (and ``close()`` will not close it).
    func open() async throws {
        opened = true
        try await openBody()
        try await head.open()
    }

    func step() async throws -> StepResult {
        if isFinished { return .finished }
        switch head.drain() {
        case .drained: break
        case .partly: return .progressed  // the scheduler must see it: the receiver has new input
        case .blocked: return .waitingForCredit
        }
        if head.hasEnded {
            isFinished = true
            return .finished
        }
        return try await head.step()
    }

    /// Releases the source and the sink, each only if its `open` was called, and nothing if
    /// ``open()`` was not; safe to call more than once.
    func close() async {
        guard opened, !closed else { return }
        closed = true
        await head.close()
        await closeBody()
    }
}
