import FlowCore
import FlowGraph

/// The tail of a task that ends in a sink.
final class SinkNode<Input>: Node<Input> {
    private let writer: AnySinkWriter<Input>
    private let stage: PlannedStage
    private let counters: StageCounters
    private let subtask: Int
    private var scratch: Batch<Input>

    init(writer: AnySinkWriter<Input>, stage: PlannedStage, counters: StageCounters, subtask: Int, batchSize: Int) {
        self.writer = writer
        self.stage = stage
        self.counters = counters
        self.subtask = subtask
        scratch = Batch(capacity: batchSize)
    }

    func open(context: OperatorContext) async throws {
        try await guarded { try await writer.open(context: context) }
    }

    override func takeBuffer() -> Batch<Input> {
        var buffer = Batch<Input>()
        swap(&buffer, &scratch)
        return buffer
    }

    override func commit(_ batch: inout Batch<Input>) async throws {
        let count = batch.count
        if count > 0 {
            try await guarded { try await writer.write(&batch) }
            counters.addIn(count)
            if !batch.isEmpty { batch.removeAll(keepingCapacity: true) }
        }
        if batch.capacity > scratch.capacity { swap(&batch, &scratch) }
    }

    override func control(_ element: ControlElement) async throws {
        if case .watermark(let watermark) = element {
            try await guarded { try await writer.processWatermark(watermark) }
        }
    }

    override func finish() async throws {
        try await guarded { try await writer.finish() }
    }

    func close() async {
        await writer.close()
    }

    private func guarded(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as FlowError {
            throw error
        } catch {
            throw FlowError(.sinkFailed, "the sink failed: \(error)", stageName: stage.name, stageID: stage.uid,
                            subtask: subtask, underlying: error)
        }
    }
}
