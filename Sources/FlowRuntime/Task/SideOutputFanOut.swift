import FlowCore

/// The tail of a task whose last stage has side outputs: its main output node, and a port per
/// side output. After every commit of the main output (every call of the operator: a batch, a
/// chunk of timers, a watermark, the end) the records the operator appended to each side output
/// go to that output's routers; control elements go to every output, after those records.
///
/// ## Concurrency
/// Confined to its task instance, as every node.
final class SideOutputFanOut<Element>: Node<Element> {
    private let main: Node<Element>
    private let sides: [any SideOutputPort]

    init(main: Node<Element>, sides: [any SideOutputPort]) {
        self.main = main
        self.sides = sides
    }

    override func takeBuffer() -> Batch<Element> { main.takeBuffer() }

    override func commit(_ batch: inout Batch<Element>) throws {
        try main.commit(&batch)
        for side in sides { try side.flush() }
    }

    override func control(_ element: ControlElement) async throws {
        for side in sides { try side.flush() }
        try await main.control(element)
        for side in sides { try await side.control(element) }
    }

    override func finish() async throws {
        for side in sides { try side.flush() }
        try await main.finish()
        for side in sides { try await side.finish() }
    }

    override func flushPartial() throws {
        try main.flushPartial()
        for side in sides { try side.flushPartial() }
    }

    override func drain() -> DrainResult {
        var result = main.drain()
        for side in sides { result = result.combined(with: side.drain()) }
        return result
    }
}

/// One side output of a task: the collector its operator appends to and the output node that
/// routes its records.
protocol SideOutputPort: AnyObject {
    /// Passes on the records appended since the last call.
    func flush() throws
    /// Passes a control element on.
    func control(_ element: ControlElement) async throws
    /// Ends the side output.
    func finish() async throws
    /// Sends partly filled batches.
    func flushPartial() throws
    /// Tries to send queued output.
    func drain() -> DrainResult
}

/// A ``SideOutputPort`` for records of type `Element`.
final class SideOutputNode<Element>: SideOutputPort {
    private let collector: SideOutputCollector<Element>
    private let output: Node<Element>

    init(collector: SideOutputCollector<Element>, output: Node<Element>) {
        self.collector = collector
        self.output = output
    }

    func flush() throws {
        guard collector._pendingCount > 0 else { return }
        var batch = Batch<Element>()
        collector._take { $0.swapContents(with: &batch) }
        try output.commit(&batch)
        batch.removeAll(keepingCapacity: true)
        collector._take { $0.swapContents(with: &batch) }
    }

    func control(_ element: ControlElement) async throws { try await output.control(element) }
    func finish() async throws { try await output.finish() }
    func flushPartial() throws { try output.flushPartial() }
    func drain() -> DrainResult { output.drain() }
}
