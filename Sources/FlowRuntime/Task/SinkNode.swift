import FlowCore
import FlowGraph

/// The tail of a task that ends in a sink.
final class SinkNode<Input>: Node<Input> {
    private let writer: AnySinkWriter<Input>
    private let stage: PlannedStage
    private let counters: StageCounters
    private let subtask: Int
    /// Measures the batches written, for the pacer: what one step hands to the sink counts
    /// against one batch's byte budget.
    private let meter = RecordMeter<Input>()
    private let pacer: StepPacer
    /// Kept between batches. Confined to the task, never accessed overlapping: no dynamic exclusivity check.
    @exclusivity(unchecked) private var scratch: Batch<Input>
    /// Whether the writer's `open` was called (it may have thrown): only such a writer is closed.
    private var opened = false
    private var closed = false

    init(writer: AnySinkWriter<Input>, stage: PlannedStage, counters: StageCounters, subtask: Int, batchSize: Int, pacer: StepPacer) {
        self.pacer = pacer
        self.writer = writer
        self.stage = stage
        self.counters = counters
        self.subtask = subtask
        scratch = Batch(capacity: batchSize)
    }

    func open(context: OperatorContext) async throws {
        opened = true
        try await guarded(while: "opening") { try await writer.open(context: context) }
    }

    override func takeBuffer() -> Batch<Input> {
        var buffer = Batch<Input>()
        buffer.swapContents(with: &scratch)
        return buffer
    }

    override func commit(_ batch: inout Batch<Input>) async throws {
        try await write(&batch)
    }

    /// ``commit(_:)`` as a final method: a node or head whose next node is this sink calls it
    /// directly, so it is inlined there instead of costing an async frame per batch.
    @inline(__always)
    final func write(_ batch: inout Batch<Input>) async throws {
        let count = batch.count
        if count > 0 {
            pacer.addOutputBytes(meter.bytes(of: batch))
            // Not through `guarded`: a closure costs an async frame per batch.
            do {
                // A writer that can write without suspending is called synchronously.
                if try !writer.writeImmediately(&batch), !batch.isEmpty { try await writer.write(&batch) }
            } catch {
                throw failure(error)
            }
            counters.addIn(count)
            if !batch.isEmpty { batch.removeAll(keepingCapacity: true) }
        }
        if batch.capacity > scratch.capacity { batch.swapContents(with: &scratch) }
    }

    /// Gives a watermark to the writer, and a barrier as a pre-commit of its checkpoint; the other
    /// control elements (watermark status, cancellations, latency markers) end here.
    override func control(_ element: ControlElement) async throws {
        switch element {
        case .watermark(let watermark):
            try await guarded(while: "taking a watermark") { try await writer.processWatermark(watermark) }
        case .barrier(let barrier):
            // The barrier has arrived on every input (the input gate aligned it): what came before
            // it belongs to its checkpoint.
            try await guarded(while: "pre-committing checkpoint \(barrier.checkpointID)") { try await writer.preCommit(checkpoint: barrier.checkpointID) }
        default:
            break
        }
    }

    override func finish() async throws {
        try await guarded(while: "finishing") { try await writer.finish() }
    }

    /// Closes the writer once, if its `open` was called; safe to call more than once.
    func close() async {
        guard opened, !closed else { return }
        closed = true
        await writer.close()
    }

    private func guarded(while action: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            throw failure(error, while: action)
        }
    }

    /// The error a failing writer fails the job with; the message does not repeat the cause,
    /// which the error carries.
    @inline(never)
    private func failure(_ error: any Error, while action: String = "writing") -> FlowError {
        if let error = error as? FlowError { return error }
        return FlowError(.sinkFailed, "the sink's writer threw while \(action)", stageName: stage.name, stageID: stage.uid,
                         subtask: subtask, underlying: error)
    }
}

extension SinkNode: CheckpointParticipant {
    /// Commits what the writer pre-committed up to checkpoint `id`.
    func checkpointComplete(_ id: Int64) async throws {
        try await guarded(while: "committing checkpoint \(id)") { try await writer.commit(checkpoint: id) }
    }

    /// Nothing: the pre-committed transaction waits for the next completed checkpoint.
    func checkpointAborted(_ id: Int64) async {}
}
