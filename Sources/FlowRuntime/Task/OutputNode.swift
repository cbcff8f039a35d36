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

/// Spreads one task instance's output over the bridges of one edge, in batches.
///
/// Records accumulate until a batch is full, until the oldest of them has waited the flush
/// timeout, or until the task runs out of input or a control element must follow them. Batches
/// go out at most `batchSize` records each (a larger output, from a FlatMap say, is split), and
/// wait in a per-bridge queue until the bridge grants credit. While anything waits, the task
/// reads no more input: that is how backpressure travels up, and why memory in flight on a
/// bridge stays within its slots × `batchSize` records.
final class EdgeRouter<Element> {
    enum Mode {
        case forward
        case rebalance
        case broadcast
        case hash(BatchPartitioner<Element>, keyedStage: PlannedStage?)
        case custom(BatchPartitioner<Element>, receiver: PlannedStage?)
    }

    private let mode: Mode
    private let channels: [any BridgeSender<Element>]
    private let pending: [ElementQueue<Element>]
    private var current: Batch<Element>
    private var perChannel: [Batch<Element>]
    private var nextChannel = 0
    private let batchSize: Int
    private let flushTimeout: Duration
    /// When the oldest record still in a partial batch arrived, on `clock`.
    private var partialSince: Duration?
    private let clock: FlushClock
    private let maxParallelism: Int
    private let subtask: Int
    /// Records committed to a hash or custom edge so far: the position of the first record of the
    /// batch being partitioned, for errors.
    private var partitioned: Int64 = 0

    init(mode: Mode, channels: [any BridgeSender<Element>], batchSize: Int, flushTimeout: Duration, clock: FlushClock,
         maxParallelism: Int, subtask: Int) {
        self.mode = mode
        self.clock = clock
        self.channels = channels
        self.batchSize = batchSize
        self.flushTimeout = flushTimeout
        self.maxParallelism = maxParallelism
        self.subtask = subtask
        pending = channels.map { _ in ElementQueue() }
        current = Batch(capacity: batchSize)
        switch mode {
        case .hash, .custom: perChannel = channels.map { _ in Batch(capacity: batchSize) }
        case .forward, .rebalance, .broadcast: perChannel = []
        }
    }

    func takeBuffer() -> Batch<Element> {
        var buffer = Batch<Element>()
        buffer.swapContents(with: &current)
        return buffer
    }

    func commit(_ batch: inout Batch<Element>) throws {
        switch mode {
        case .hash(let partitioner, _), .custom(let partitioner, _):
            if !batch.isEmpty {
                let received = batch.count
                do {
                    // Full partitions leave as they fill, so none grows past batchSize.
                    try partitioner.partition(&batch, into: &perChannel, maxParallelism: maxParallelism, limit: batchSize) { channels, index in
                        var full = fresh(from: index)
                        full.swapContents(with: &channels[index])
                        enqueue(.batch(consume full), on: index)
                    }
                } catch let failure as RecordFailure {
                    throw partitionFailure(failure)
                }
                partitioned += Int64(received)
                try checkAge(partial: hasPartialPartition)
            }
            if batch.capacity > current.capacity { batch.swapContents(with: &current) }
        case .forward, .rebalance, .broadcast:
            if !current.isEmpty && current.count + batch.count > batchSize { emitCurrent() }
            if current.isEmpty {
                current.swapContents(with: &batch)
            } else {
                current.append(contentsOf: batch)
                batch.removeAll(keepingCapacity: true)
            }
            if current.count >= batchSize { emitCurrent() }
            try checkAge(partial: !current.isEmpty)
        }
    }

    /// Whether a partition holds records. An index loop: `contains(where:)` in this unspecialized
    /// generic code goes through the collection's witnesses and allocated once per call (perf).
    private var hasPartialPartition: Bool {
        for index in perChannel.indices where !perChannel[index].isEmpty { return true }
        return false
    }

    /// Flushes partial batches whose oldest record waited the flush timeout.
    @inline(__always)
    private func checkAge(partial: Bool) throws {
        guard partial else {
            partialSince = nil
            return
        }
        let now = clock.now()
        guard let since = partialSince else {
            partialSince = now
            return
        }
        if now - since >= flushTimeout { try flushPartial() }
    }

    func control(_ element: ControlElement) throws {
        try flushPartial()
        for index in channels.indices { enqueue(.control(element), on: index) }
    }

    func flushPartial() throws {
        partialSince = nil
        switch mode {
        case .hash, .custom: break
        case .forward, .rebalance, .broadcast: if !current.isEmpty { emitCurrent() }
        }
        for index in perChannel.indices where !perChannel[index].isEmpty { emitPartition(index) }
    }

    /// Sends what the bridges have credit for.
    func drain() -> DrainResult {
        var waiting = false
        var sent = false
        for index in channels.indices where !pending[index].isEmpty {
            let channel = channels[index]
            while !pending[index].isEmpty, channel.hasCredit {
                channel.send(pending[index].popFirst())
                sent = true
            }
            if !pending[index].isEmpty { waiting = true }
        }
        return waiting ? (sent ? .partly : .blocked) : .drained
    }

    private func emitCurrent() {
        switch mode {
        case .forward:
            enqueue(batch: &current, on: 0)
            current = fresh(from: 0)
        case .rebalance:
            let target = nextChannel
            nextChannel = (nextChannel + 1) % channels.count
            enqueue(batch: &current, on: target)
            current = fresh(from: target)
        case .broadcast:
            for index in channels.indices {
                var copy = current
                enqueue(batch: &copy, on: index)
            }
            current = Batch(capacity: batchSize)
        case .hash, .custom:
            preconditionFailure("EdgeRouter(\(mode)): emitCurrent on a partitioned edge")
        }
    }

    private func emitPartition(_ index: Int) {
        var batch = fresh(from: index)
        batch.swapContents(with: &perChannel[index])
        enqueue(batch: &batch, on: index)
    }

    private func fresh(from index: Int) -> Batch<Element> {
        channels[index].reusableBatch() ?? Batch(capacity: batchSize)
    }

    /// Queues `batch` on bridge `index`, split into batches of at most `batchSize` records.
    private func enqueue(batch: inout Batch<Element>, on index: Int) {
        if batch.count > batchSize {
            // Only one operator output larger than a batch (a FlatMap's) gets here: copy it out
            // in slices, not record by record.
            batch.withUnsafeBuffers { records, timestamps in
                for start in stride(from: 0, to: records.count, by: batchSize) {
                    let end = Swift.min(start + batchSize, records.count)
                    let chunk = Batch(records: ContiguousArray(records[start..<end]), timestamps: ContiguousArray(timestamps[start..<end]))
                    enqueue(.batch(consume chunk), on: index)
                }
            }
            batch = Batch()
            return
        }
        var taken = Batch<Element>()
        taken.swapContents(with: &batch)
        enqueue(.batch(consume taken), on: index)
    }

    /// Queues `element` on bridge `index` and sends what the bridge has credit for. The element is
    /// moved all the way into the bridge: a reference left behind here, even for an instant, would
    /// make the receiver's in-place writes to the batch copy it.
    private func enqueue(_ element: consuming StreamElement<Element>, on index: Int) {
        pending[index].append(element)
        let channel = channels[index]
        while !pending[index].isEmpty, channel.hasCredit {
            channel.send(pending[index].popFirst())
        }
    }

    /// The error a throwing key selector or custom partitioner fails the job with: the record's
    /// position is among the records this instance sent on the edge. The message does not repeat
    /// the record or the cause, which the error carries.
    @inline(never)
    private func partitionFailure(_ failure: RecordFailure) -> FlowError {
        let position = partitioned + Int64(failure.recordIndex)
        switch mode {
        case .custom(_, let receiver):
            let message = failure.underlying is PartitionOutOfRange
                ? "the custom partitioner chose no receiving instance for record #\(position) of those this instance sent on the edge: it must return the index of one"
                : "the custom partitioner threw on record #\(position) of those this instance sent on the edge"
            return FlowError(.userFunctionFailed, message,
                             stageName: receiver.map { "partitionCustom → \($0.name)" }, stageID: receiver?.uid, subtask: subtask,
                             recordPosition: position, record: failure.record, underlying: failure.underlying)
        default:
            let keyedStage: PlannedStage? = { if case .hash(_, let stage) = mode { return stage } else { return nil } }()
            return FlowError(.userFunctionFailed, "the KeyBy key selector threw on record #\(position) of those this instance sent on the edge",
                             stageName: keyedStage.map { "KeyBy → \($0.name)" }, stageID: keyedStage?.uid, subtask: subtask,
                             recordPosition: position, record: failure.record, underlying: failure.underlying)
        }
    }
}
