import FlowCore
import FlowGraph

/// Spreads one task instance's output over the bridges of one edge, in batches.
///
/// Records accumulate until a batch is full — it holds `batchSize` records, or `byteLimit` bytes
/// as ``RecordMeter`` counts them, whichever comes first — until the oldest of them has waited the
/// flush timeout, or until the task runs out of input or a control element must follow them.
/// Batches go out within both limits (a larger output, from a FlatMap say, is split; a single
/// record larger than `byteLimit` goes alone), and wait in a per-bridge queue until the bridge
/// grants credit. While anything waits, the task reads no more input: that is how backpressure
/// travels up, and why a bridge holds at most `slots` batches in flight, so at most
/// `slots × byteLimit` bytes (the edge's `channelByteBudget`).
///
/// ## Concurrency
/// Confined to the task instance whose output node owns it: every field is touched only by that
/// task's runner (the bridges it sends on are the only state shared with other tasks).
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
    /// Bytes of `current`.
    private var currentBytes = 0
    /// Bytes of the records `current` held when ``takeBuffer()`` handed it out: they come back
    /// with the next commit, and were counted for the pacer when they first came.
    private var takenBytes = 0
    private var perChannel: [Batch<Element>]
    /// For a record type whose size varies: bytes of each channel's batch, as measured up to
    /// `measured[channel]` records.
    private var channelBytes: [Int]
    private var measured: [Int]
    private var nextChannel = 0
    /// The most records in a batch: `batchSize`, or fewer if that many fixed-size records would
    /// pass `byteLimit`.
    private let recordLimit: Int
    /// The most bytes in a batch.
    private let byteLimit: Int
    private let meter: RecordMeter<Element>
    private let pacer: StepPacer
    /// Whether this router tells the pacer the bytes committed to it: the first of a task's
    /// routers only, as every router of a task is given the same records.
    private let countsBytes: Bool
    private let flushTimeout: Int64
    /// When the oldest record still in a partial batch arrived, on `clock` (nanoseconds).
    private var partialSince: Int64?
    private let clock: FlushClock
    private let maxParallelism: Int
    private let subtask: Int
    /// Records committed to a hash or custom edge so far: the position of the first record of the
    /// batch being partitioned, for errors.
    private var partitioned: Int64 = 0

    init(
        mode: Mode, channels: [any BridgeSender<Element>], batchSize: Int, byteLimit: Int, flushTimeout: Duration, clock: FlushClock,
        pacer: StepPacer, countsBytes: Bool = true, maxParallelism: Int, subtask: Int
    ) {
        self.countsBytes = countsBytes
        self.mode = mode
        self.clock = clock
        self.channels = channels
        meter = RecordMeter()
        self.byteLimit = Swift.max(1, byteLimit)
        let recordLimit = Swift.min(batchSize, meter.recordLimit(forBytes: self.byteLimit))
        self.recordLimit = recordLimit
        self.flushTimeout = flushTimeout.nanoseconds
        self.pacer = pacer
        self.maxParallelism = maxParallelism
        self.subtask = subtask
        pending = channels.map { _ in ElementQueue() }
        current = Batch(capacity: recordLimit)
        switch mode {
        case .hash, .custom: perChannel = channels.map { _ in Batch(capacity: recordLimit) }
        case .forward, .rebalance, .broadcast: perChannel = []
        }
        channelBytes = perChannel.map { _ in 0 }
        measured = channelBytes
    }

    func takeBuffer() -> Batch<Element> {
        var buffer = Batch<Element>()
        buffer.swapContents(with: &current)
        takenBytes = currentBytes
        currentBytes = 0
        return buffer
    }

    func commit(_ batch: inout Batch<Element>) throws {
        let taken = takenBytes
        takenBytes = 0
        switch mode {
        case .hash(let partitioner, _), .custom(let partitioner, _):
            if !batch.isEmpty {
                if countsBytes { pacer.addOutputBytes(meter.bytes(of: batch) - taken) }
                let received = batch.count
                do {
                    // Full partitions leave as they fill, so none grows past the record limit.
                    try partitioner.partition(&batch, into: &perChannel, maxParallelism: maxParallelism, limit: recordLimit) { channels, index in
                        var full = fresh(from: index)
                        full.swapContents(with: &channels[index])
                        resetMeasure(of: index)
                        enqueue(batch: &full, on: index)
                    }
                } catch let failure as RecordFailure {
                    throw partitionFailure(failure)
                }
                partitioned += Int64(received)
                if !meter.hasFixedSize { emitPartitionsPastByteLimit() }
                try checkAge(partial: hasPartialPartition)
            }
            if batch.capacity > current.capacity { batch.swapContents(with: &current) }
        case .forward, .rebalance, .broadcast:
            let incoming = meter.bytes(of: batch)
            if countsBytes { pacer.addOutputBytes(incoming - taken) }
            if current.isEmpty {
                current.swapContents(with: &batch)
                currentBytes = incoming
            } else if current.count + batch.count <= recordLimit && currentBytes + incoming <= byteLimit {
                current.append(contentsOf: batch)
                currentBytes += incoming
                batch.removeAll(keepingCapacity: true)
            } else if !batch.isEmpty {
                topUp(from: &batch, bytes: incoming)
            }
            while current.count > recordLimit || (currentBytes > byteLimit && current.count > 1) { emitFittingPrefix() }
            if current.count >= recordLimit || currentBytes >= byteLimit { emitCurrent() }
            try checkAge(partial: !current.isEmpty)
        }
    }

    /// Fills `current` from the front of `batch` (a bulk copy), sends it, and moves the rest of
    /// `batch` into the next batch: so batches leave full whatever the sizes of the commits.
    ///
    /// - Complexity: O(batch.count): one bulk copy and one bulk move.
    @inline(never)
    private func topUp(from batch: inout Batch<Element>, bytes incoming: Int) {
        let (count, bytes) = batch.withUnsafeBuffers { records, _ in
            meter.prefix(
                of: UnsafeBufferPointer(rebasing: records[..<Swift.min(records.count, recordLimit - current.count)]),
                fittingIn: byteLimit - currentBytes)
        }
        var rest = fresh(from: nextChannel)
        var restBytes = incoming
        if currentBytes + bytes <= byteLimit {
            current.append(contentsOf: batch, range: 0..<count)
            currentBytes += bytes
            batch.moveRecords(from: count, appendingTo: &rest)
            restBytes -= bytes
        } else {
            // Not even the next record fits beside what is there: send what is there.
            batch.moveRecords(from: 0, appendingTo: &rest)
        }
        batch.removeAll(keepingCapacity: true)
        emitCurrent(continuingWith: consume rest, bytes: restBytes)
    }

    /// Sends the records at the front of `current` that fit in a batch and keeps the rest (moved,
    /// not copied): `current` held more than a batch (one commit's output was larger).
    ///
    /// - Complexity: O(current.count): one bulk move.
    @inline(never)
    private func emitFittingPrefix() {
        let (count, bytes) = current.withUnsafeBuffers { records, _ in
            meter.prefix(of: UnsafeBufferPointer(rebasing: records[..<Swift.min(records.count, recordLimit)]), fittingIn: byteLimit)
        }
        var rest = fresh(from: nextChannel)
        current.moveRecords(from: count, appendingTo: &rest)
        let restBytes = currentBytes - bytes
        currentBytes = bytes
        emitCurrent(continuingWith: consume rest, bytes: restBytes)
    }

    /// For a record type whose size varies: measures what the last partitioning appended to each
    /// channel's batch, and sends from each batch that reached the byte limit the records that
    /// fit, keeping the rest for its next batch.
    ///
    /// - Complexity: O(records appended) to measure, plus a bulk move per batch sent.
    @inline(never)
    private func emitPartitionsPastByteLimit() {
        for index in perChannel.indices where perChannel[index].count > measured[index] {
            channelBytes[index] += meter.bytes(of: perChannel[index], from: measured[index])
            measured[index] = perChannel[index].count
            while channelBytes[index] >= byteLimit {
                let (count, bytes) = perChannel[index].withUnsafeBuffers { records, _ in
                    meter.prefix(of: records, fittingIn: byteLimit)
                }
                if count == perChannel[index].count {
                    emitPartition(index, bytes: bytes)
                    break
                }
                var rest = fresh(from: index)
                perChannel[index].moveRecords(from: count, appendingTo: &rest)
                let restBytes = channelBytes[index] - bytes
                perChannel[index].swapContents(with: &rest)  // the channel keeps the rest; `rest` is the full batch
                enqueue(batch: &rest, bytes: bytes, on: index)
                channelBytes[index] = restBytes
                measured[index] = perChannel[index].count
            }
        }
    }

    private func resetMeasure(of index: Int) {
        channelBytes[index] = 0
        measured[index] = 0
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
        let now = clock.nanoseconds()
        guard let since = partialSince else {
            partialSince = now
            return
        }
        if now - since >= flushTimeout { try flushPartial() }
    }

    func control(_ element: ControlElement) throws {
        try flushPartial()
        for index in channels.indices { enqueue(.control(element), bytes: 0, on: index) }
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
                let bytes = pending[index].firstBytes
                channel.send(pending[index].popFirst(), bytes: bytes)
                sent = true
            }
            if !pending[index].isEmpty { waiting = true }
        }
        return waiting ? (sent ? .partly : .blocked) : .drained
    }

    /// Sends `current` and starts a fresh batch.
    private func emitCurrent() {
        emitCurrent(continuingWith: nil, bytes: 0)
    }

    /// Sends `current` and continues with `next` (of `nextBytes` bytes), or a fresh batch if nil.
    private func emitCurrent(continuingWith next: consuming Batch<Element>?, bytes nextBytes: Int) {
        let bytes = currentBytes
        currentBytes = nextBytes
        switch mode {
        case .forward:
            enqueue(batch: &current, bytes: bytes, on: 0)
            current = next ?? fresh(from: 0)
        case .rebalance:
            let target = nextChannel
            nextChannel = (nextChannel + 1) % channels.count
            enqueue(batch: &current, bytes: bytes, on: target)
            current = next ?? fresh(from: target)
        case .broadcast:
            for index in channels.indices {
                var copy = current
                enqueue(batch: &copy, bytes: bytes, on: index)
            }
            current = next ?? Batch(capacity: recordLimit)
        case .hash, .custom:
            preconditionFailure("EdgeRouter(\(mode)): emitCurrent on a partitioned edge")
        }
    }

    /// Sends channel `index`'s batch; `bytes`, if known (else it is measured).
    private func emitPartition(_ index: Int, bytes: Int? = nil) {
        var batch = fresh(from: index)
        batch.swapContents(with: &perChannel[index])
        resetMeasure(of: index)
        enqueue(batch: &batch, bytes: bytes, on: index)
    }

    private func fresh(from index: Int) -> Batch<Element> {
        channels[index].reusableBatch() ?? Batch(capacity: recordLimit)
    }

    /// Queues `batch`, of `bytes` bytes if known (else measured), on bridge `index`, split into
    /// batches within the record and byte limits.
    ///
    /// - Complexity: O(1) for a batch within the limits whose bytes are known or of fixed-size
    ///   records; O(batch.count) to measure or split it otherwise.
    private func enqueue(batch: inout Batch<Element>, bytes known: Int? = nil, on index: Int) {
        let bytes = known ?? meter.bytes(of: batch)
        if batch.count > recordLimit || (bytes > byteLimit && batch.count > 1) {
            split(&batch, on: index)
            return
        }
        var taken = Batch<Element>()
        taken.swapContents(with: &batch)
        enqueue(.batch(consume taken), bytes: bytes, on: index)
    }

    /// Queues an output larger than a batch (a FlatMap's, or records larger than the commits
    /// suggested) as several, copied out in slices, not record by record.
    ///
    /// - Complexity: O(batch.count) copies.
    @inline(never)
    private func split(_ batch: inout Batch<Element>, on index: Int) {
        batch.withUnsafeBuffers { records, timestamps in
            var start = 0
            while start < records.count {
                let window = UnsafeBufferPointer(rebasing: records[start..<Swift.min(records.count, start + recordLimit)])
                let (count, bytes) = meter.prefix(of: window, fittingIn: byteLimit)
                let end = start + count
                let chunk = Batch(records: ContiguousArray(records[start..<end]), timestamps: ContiguousArray(timestamps[start..<end]))
                enqueue(.batch(consume chunk), bytes: bytes, on: index)
                start = end
            }
        }
        batch = Batch()
    }

    /// Queues `element` on bridge `index` and sends what the bridge has credit for. The element is
    /// moved all the way into the bridge: a reference left behind here, even for an instant, would
    /// make the receiver's in-place writes to the batch copy it.
    private func enqueue(_ element: consuming StreamElement<Element>, bytes: Int, on index: Int) {
        pending[index].append(element, bytes: bytes)
        let channel = channels[index]
        while !pending[index].isEmpty, channel.hasCredit {
            let bytes = pending[index].firstBytes
            channel.send(pending[index].popFirst(), bytes: bytes)
        }
    }

    /// The error a throwing key selector or custom partitioner fails the job with: the record's
    /// position is among the records this instance routed on the edge. The message does not repeat
    /// the record or the cause, which the error carries.
    @inline(never)
    private func partitionFailure(_ failure: RecordFailure) -> FlowError {
        let position = partitioned + Int64(failure.recordIndex)
        switch mode {
        case .custom(_, let receiver):
            let message =
                failure.underlying is PartitionOutOfRange
                ? "the custom partitioner chose no receiving instance for record #\(position) of those this instance routed on the edge: it must return the index of one"
                : "the custom partitioner threw on record #\(position) of those this instance routed on the edge"
            return FlowError(
                .userFunctionFailed, message,
                stageName: receiver.map { "partitionCustom → \($0.name)" }, stageID: receiver?.uid, subtask: subtask,
                recordPosition: position, record: failure.record, underlying: failure.underlying)
        default:
            let keyedStage: PlannedStage? = { if case .hash(_, let stage) = mode { return stage } else { return nil } }()
            return FlowError(
                .userFunctionFailed, "the KeyBy key selector threw on record #\(position) of those this instance routed on the edge",
                stageName: keyedStage.map { "KeyBy → \($0.name)" }, stageID: keyedStage?.uid, subtask: subtask,
                recordPosition: position, record: failure.record, underlying: failure.underlying)
        }
    }
}
