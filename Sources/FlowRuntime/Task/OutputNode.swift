import FlowCore
import FlowGraph

/// The tail of a task that writes to output edges: one ``EdgeRouter`` per edge.
final class OutputNode<Element>: Node<Element> {
    private let routers: [EdgeRouter<Element>]
    /// Kept between batches. Confined to the task, never accessed overlapping: no dynamic exclusivity check.
    @exclusivity(unchecked) private var scratch: Batch<Element>

    init(routers: [EdgeRouter<Element>], batchSize: Int) {
        precondition(!routers.isEmpty, "OutputNode: a task with output edges needs at least one router")
        self.routers = routers
        scratch = Batch(capacity: routers.count > 1 ? batchSize : 0)
    }

    override func takeBuffer() -> Batch<Element> {
        if routers.count == 1 { return routers[0].takeBuffer() }
        var buffer = Batch<Element>()
        buffer.swapContents(with: &scratch)
        return buffer
    }

    override func commit(_ batch: inout Batch<Element>) throws {
        if routers.count == 1 {
            try routers[0].commit(&batch)
            return
        }
        for router in routers {
            var copy = batch
            try router.commit(&copy)
        }
        batch.removeAll(keepingCapacity: true)
        if batch.capacity > scratch.capacity { batch.swapContents(with: &scratch) }
    }

    override func control(_ element: ControlElement) async throws {
        for router in routers { try router.control(element) }
    }

    override func finish() async throws {
        try await control(.endOfInput)
    }

    override func flushPartial() throws {
        for router in routers { try router.flushPartial() }
    }

    override func drain() -> DrainResult {
        var result = DrainResult.drained
        for router in routers { result = result.combined(with: router.drain()) }
        return result
    }
}
