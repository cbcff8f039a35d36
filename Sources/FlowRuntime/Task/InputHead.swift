import FlowCore
import FlowGraph

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
