import FlowCore
import FlowGraph

/// The tail of a task that writes to output edges: one ``EdgeRouter`` per edge.
final class OutputNode<Element>: Node<Element> {
    private let routers: [EdgeRouter<Element>]
    private var scratch: Batch<Element>

    init(routers: [EdgeRouter<Element>], batchSize: Int) {
        precondition(!routers.isEmpty, "OutputNode: a task with output edges needs at least one router")
        self.routers = routers
        scratch = Batch(capacity: routers.count > 1 ? batchSize : 0)
    }

    override func takeBuffer() -> Batch<Element> {
        if routers.count == 1 { return routers[0].takeBuffer() }
        var buffer = Batch<Element>()
        swap(&buffer, &scratch)
        return buffer
    }

    override func commit(_ batch: inout Batch<Element>) async throws {
        if routers.count == 1 {
            try routers[0].commit(&batch)
            return
        }
        for router in routers {
            var copy = batch
            try router.commit(&copy)
        }
        batch.removeAll(keepingCapacity: true)
        if batch.capacity > scratch.capacity { swap(&batch, &scratch) }
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

    override func drain() -> Bool {
        var drained = true
        for router in routers where !router.drain() { drained = false }
        return drained
    }
}

/// Spreads one task instance's output over the channels of one edge, in batches.
///
/// Records accumulate until a batch is full (or the task runs out of input, or a control element
/// must follow them); full batches wait in a per-channel queue until the channel grants credit.
/// While anything waits, the task reads no more input: that is how backpressure travels up.
final class EdgeRouter<Element> {
    enum Mode {
        case forward
        case rebalance
        case broadcast
        case hash(BatchPartitioner<Element>, keyedStage: PlannedStage?)
    }

    private let mode: Mode
    private let channels: [any ChannelSender<Element>]
    private var pending: [[StreamElement<Element>]]
    private var current: Batch<Element>
    private var perChannel: [Batch<Element>]
    private var nextChannel = 0
    private let batchSize: Int
    private let maxParallelism: Int
    private let subtask: Int

    init(mode: Mode, channels: [any ChannelSender<Element>], batchSize: Int, maxParallelism: Int, subtask: Int) {
        self.mode = mode
        self.channels = channels
        self.batchSize = batchSize
        self.maxParallelism = maxParallelism
        self.subtask = subtask
        pending = channels.map { _ in [] }
        current = Batch(capacity: batchSize)
        if case .hash = mode {
            perChannel = channels.map { _ in Batch(capacity: batchSize) }
        } else {
            perChannel = []
        }
    }

    func takeBuffer() -> Batch<Element> {
        var buffer = Batch<Element>()
        swap(&buffer, &current)
        return buffer
    }

    func commit(_ batch: inout Batch<Element>) throws {
        switch mode {
        case .hash(let partitioner, let keyedStage):
            if !batch.isEmpty {
                do {
                    try partitioner.partition(&batch, into: &perChannel, maxParallelism: maxParallelism)
                } catch let failure as RecordFailure {
                    throw FlowError(.userFunctionFailed, "the KeyBy key selector threw on record: \(failure.record)",
                                    stageName: keyedStage.map { "KeyBy → \($0.name)" }, stageID: keyedStage?.uid, subtask: subtask,
                                    record: failure.record, underlying: failure.underlying)
                }
                for index in perChannel.indices where perChannel[index].count >= batchSize { emitPartition(index) }
            }
            if batch.capacity > current.capacity { swap(&batch, &current) }
        case .forward, .rebalance, .broadcast:
            if current.isEmpty {
                swap(&current, &batch)
            } else {
                current.append(contentsOf: batch)
                batch.removeAll(keepingCapacity: true)
            }
            if current.count >= batchSize { emitCurrent() }
        }
    }

    func control(_ element: ControlElement) throws {
        try flushPartial()
        for index in channels.indices { enqueue(.control(element), on: index) }
    }

    func flushPartial() throws {
        switch mode {
        case .hash: break
        case .forward, .rebalance, .broadcast: if !current.isEmpty { emitCurrent() }
        }
        for index in perChannel.indices where !perChannel[index].isEmpty { emitPartition(index) }
    }

    /// Sends what the channels have credit for; returns whether nothing is left waiting.
    func drain() -> Bool {
        var drained = true
        for index in channels.indices {
            let channel = channels[index]
            while !pending[index].isEmpty, channel.hasCredit {
                channel.send(pending[index].removeFirst())
            }
            if !pending[index].isEmpty { drained = false }
        }
        return drained
    }

    private func emitCurrent() {
        switch mode {
        case .forward:
            enqueue(.batch(current), on: 0)
            current = fresh(from: 0)
        case .rebalance:
            let target = nextChannel
            nextChannel = (nextChannel + 1) % channels.count
            enqueue(.batch(current), on: target)
            current = fresh(from: target)
        case .broadcast:
            for index in channels.indices { enqueue(.batch(current), on: index) }
            current = Batch(capacity: batchSize)
        case .hash:
            preconditionFailure("EdgeRouter(hash): emitCurrent on a hash edge")
        }
    }

    private func emitPartition(_ index: Int) {
        var batch = fresh(from: index)
        swap(&batch, &perChannel[index])
        enqueue(.batch(batch), on: index)
    }

    private func fresh(from index: Int) -> Batch<Element> {
        channels[index].reusableBatch() ?? Batch(capacity: batchSize)
    }

    private func enqueue(_ element: StreamElement<Element>, on index: Int) {
        pending[index].append(element)
        let channel = channels[index]
        while !pending[index].isEmpty, channel.hasCredit {
            channel.send(pending[index].removeFirst())
        }
    }
}
