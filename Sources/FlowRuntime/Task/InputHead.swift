import FlowCore
import FlowGraph

/// The head of a task that reads channels: the shell of the task's ``InputGateStateMachine``.
///
/// It asks the gate which channels may be read (round robin, skipping channels blocked by a
/// barrier alignment and ended ones), forwards batches to the body as they come, feeds the gate
/// every control element and performs what it returns: forward a watermark, a watermark status,
/// a barrier or a cancellation, or finish the body when every channel has ended.
///
/// A received batch larger than the pacer's limit (records that cost much each to process, or
/// that grow much on the way) is taken in slices, one per step; nothing else is received until
/// its last slice is in, so order is kept.
///
/// ## Concurrency
/// Confined to its task instance: only that instance's runner calls it.
final class InputHead<Input>: TaskHeadDriver {
    /// The channels, in the order of the gate's ``InputGateStateMachine/channels``.
    private let channels: [any BridgeReceiver<Input>]
    private let first: Node<Input>
    /// What is read next, the watermark, barriers and end of input. Confined to the task, never
    /// accessed overlapping: no dynamic exclusivity check.
    @exclusivity(unchecked) private var gate: InputGateStateMachine
    /// How many records a step may take in (see ``StepPacer``).
    private let pacer: StepPacer
    /// The batch being taken in slices, and the channel it came from (which gets it back emptied).
    private var slicer = BatchSlicer<Input>()
    private var slicedChannel = 0
    /// The batch each slice is moved into. Confined to the task: no dynamic exclusivity check.
    @exclusivity(unchecked) private var slice = Batch<Input>()

    /// A head reading `channels`, whose identities are `ids` (one per channel, in order).
    init(
        channels: [any BridgeReceiver<Input>], ids: [InputChannelID], barrierMode: InputGateStateMachine.BarrierMode = .exactlyOnce,
        first: Node<Input>, pacer: StepPacer
    ) {
        precondition(channels.count == ids.count, "InputHead: \(channels.count) channels but \(ids.count) channel identities")
        self.channels = channels
        self.first = first
        self.pacer = pacer
        gate = InputGateStateMachine(channels: ids, barrierMode: barrierMode)
    }

    override func step() async throws -> StepResult {
        if !slicer.isEmpty {
            try commitSlice()
            return .progressed
        }
        let count = channels.count
        var index = gate.nextChannel
        for _ in 0..<count {
            guard gate.isReadable(index), let element = channels[index].receive() else {
                index = index + 1 == count ? 0 : index + 1
                continue
            }
            gate.elementReceived(on: index)
            // `consume`: the batch must be the only reference to its storage, or the operators'
            // in-place writes (a sink's `removeAll(keepingCapacity:)`) copy it.
            switch consume element {
            case .batch(var batch):
                let records = batch.count
                if records > pacer.limit {
                    slicer.start(consume batch)
                    slicedChannel = index
                    try commitSlice()
                } else {
                    try first.commit(&batch)
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
    private func commitSlice() throws {
        var part = Batch<Input>()
        part.swapContents(with: &slice)
        let emptied = slicer.moveNext(pacer.limit, appendingTo: &part)
        let records = part.count
        try first.commit(&part)
        part.removeAll(keepingCapacity: true)  // commit empties it; the next slice must not follow leftovers
        part.swapContents(with: &slice)
        if let emptied { channels[slicedChannel].recycle(emptied) }
        pacer.endStep(records: records)
    }

    /// Feeds `control`, from the channel at `index`, to the gate and performs what it returns.
    @inline(never)
    private func handle(_ control: ControlElement, from index: Int) async throws {
        switch control {
        case .watermark(let watermark):
            try await perform(gate.watermarkReceived(watermark, on: index))
        case .watermarkStatus(let status):
            try await perform(gate.watermarkStatusReceived(status, on: index))
        case .barrier(let barrier):
            try await perform(gate.barrierReceived(barrier, on: index))
        case .cancelCheckpoint(let id):
            if case .forwardCancel(let id) = gate.cancelReceived(id, on: index) { try await first.control(.cancelCheckpoint(id)) }
        case .latencyMarker:
            try await first.control(control)
        case .endOfInput:
            switch gate.endOfInputReceived(on: index) {
            case .updateWatermark(let action):
                try await perform(action)
            case .forwardBarrier(let barrier, let action):
                try await first.control(.barrier(barrier))
                try await perform(action)
            case .finish:
                try await finish()
            case .forwardBarrierThenFinish(let barrier):
                try await first.control(.barrier(barrier))
                try await finish()
            }
        }
    }

    private func perform(_ action: InputGateStateMachine.WatermarkAction) async throws {
        switch action {
        case .none: break
        case .forwardWatermark(let watermark): try await first.control(.watermark(watermark))
        case .forwardStatus(let status): try await first.control(.watermarkStatus(status))
        case .forwardWatermarkThenIdle(let watermark):
            try await first.control(.watermark(watermark))
            try await first.control(.watermarkStatus(.idle))
        }
    }

    private func perform(_ action: InputGateStateMachine.BarrierAction) async throws {
        switch action {
        case .ignore, .blockChannel, .keepReading: break  // the gate no longer offers a blocked channel
        case .forwardBarrier(let barrier): try await first.control(.barrier(barrier))
        case .forwardCancelAndBlockChannel(let id), .forwardCancel(let id): try await first.control(.cancelCheckpoint(id))
        case .forwardCancelThenBarrier(let id, let barrier):
            try await first.control(.cancelCheckpoint(id))
            try await first.control(.barrier(barrier))
        }
    }

    private func finish() async throws {
        try await first.finish()
        hasEnded = true
    }

    override func drain() -> DrainResult { first.drain() }
}
