public import Flow

/// Drives one operator by hand through its whole contract: push records, watermarks and
/// barriers, advance processing time, read what it emitted, snapshot it and restore the snapshot
/// into a new harness (at another parallelism, for keyed state).
///
/// ```swift
/// var harness = try OperatorHarness(KeyedReduceOperator(key: { (x: Int) in x % 2 }, combine: +))
/// try harness.push([1, 2, 3])
/// #expect(harness.takeOutput() == [1, 2, 4])
/// let snapshot = try harness.snapshot(checkpoint: 1)
/// var restored = try OperatorHarness.restoring([snapshot], into: { KeyedReduceOperator(…) }, subtask: 0, parallelism: 2)
/// try harness.end()   // throws if output was left unread
/// ```
/// The harness drives timers as a task does: a watermark fires the event-time timers at or before
/// it (in chunks of ``timerChunk``) before the operator sees the watermark, a batch's timers
/// registered at or before the current watermark fire right after it, and
/// ``advanceProcessingTime()`` fires the processing-time timers due on its ``processingTime``
/// service (a ``ManualClock``'s, say).
///
/// ## Concurrency
/// A value confined to the test that owns it.
public struct OperatorHarness<Operator: OneInputOperator> {
    private var op: Operator
    private var output = Batch<Operator.Output>()
    private var forwarded: [Watermark] = []
    private var watermark = Watermark(.unassigned)
    /// The operator's context (its uid, place and processing-time service).
    public let context: OperatorContext
    /// The most timers fired before their output is appended (a task passes each chunk on).
    public var timerChunk = 1024
    private var closed = false

    /// Opens `op` as subtask `subtask` of `parallelism`, with uid `uid`, reading processing time
    /// from `processingTime`, with the side outputs `sideOutputs` routed to the harness (read them
    /// with ``takeSideOutput(_:)``).
    public init(
        _ op: Operator, uid: String = "harness", subtask: Int = 0, parallelism: Int = 1, maxParallelism: Int = KeyGroup.defaultMaxParallelism,
        processingTime: ProcessingTimeService = .system, sideOutputs: [AnySideOutput] = []
    ) throws {
        self.op = op
        let registry = SideOutputRegistry()
        for tag in sideOutputs { Self.register(tag.type, id: tag.id, in: registry) }
        context = OperatorContext(
            stageName: "harness", stageID: uid, subtask: subtask, parallelism: parallelism, maxParallelism: maxParallelism,
            processingTime: processingTime, sideOutputs: registry)
        try self.op.open(context: context)
    }

    private static func register<T: SideOutputType>(_ type: T, id: String, in registry: SideOutputRegistry) {
        registry._register(SideOutputCollector<T.Element>(), id: id)
    }

    /// The records emitted to side output `tag` since the last call, and clears them.
    public mutating func takeSideOutput<Element>(_ tag: SideOutput<Element>) throws -> [Element] {
        var taken = Batch<Element>()
        try context.sideOutput(tag)._take { $0.swapContents(with: &taken) }
        return Array(taken.records)
    }

    /// A harness whose operator, made by `make`, resumes from `snapshots` (every old instance's,
    /// of any parallelism) as subtask `subtask` of `parallelism`: it gets the key groups it owns.
    ///
    /// - Throws: ``FlowError`` (``FlowError/Code/stateRestoreFailed``) if the snapshots are of
    ///   another uid or inconsistent.
    public static func restoring(
        _ snapshots: [OperatorSnapshot], into make: () -> Operator, uid: String = "harness", subtask: Int = 0,
        parallelism: Int = 1, maxParallelism: Int = KeyGroup.defaultMaxParallelism,
        processingTime: ProcessingTimeService = .system
    ) throws -> OperatorHarness {
        var harness = try OperatorHarness(
            make(), uid: uid, subtask: subtask, parallelism: parallelism, maxParallelism: maxParallelism,
            processingTime: processingTime)
        if let mine = try OperatorSnapshot.assigned(snapshots, to: subtask, of: parallelism, maxParallelism: maxParallelism) {
            try harness.restore(mine)
        }
        return harness
    }

    /// Restores the operator from `snapshot`, already cut to this instance; checks first that it
    /// is this operator's and holds only key groups the instance owns.
    public mutating func restore(_ snapshot: OperatorSnapshot) throws {
        try snapshot.keyed.validate(forOperator: context.stageID, keyGroups: context.keyGroupRange, maxParallelism: context.maxParallelism)
        try op.restoreState(from: snapshot.keyed)
    }

    /// Pushes records, all at `timestamp`, as one batch.
    public mutating func push(_ records: [Operator.Input], at timestamp: EventTime = .unassigned) throws {
        try push(Batch(records, timestamp: timestamp))
    }

    /// Pushes a batch.
    public mutating func push(_ batch: Batch<Operator.Input>) throws {
        var batch = batch
        try op.process(&batch, into: &output)
        if Operator.hasTimers, watermark.time.isAssigned, let due = op.nextEventTimer, due <= watermark.time.milliseconds {
            try fire(.eventTime, dueAt: watermark.time.milliseconds)
        }
    }

    /// Pushes a watermark: fires the event-time timers at or before it, then hands it to the
    /// operator; returns the watermark the operator forwards, if any.
    @discardableResult
    public mutating func pushWatermark(_ watermark: Watermark) throws -> Watermark? {
        self.watermark = watermark
        if Operator.hasTimers { try fire(.eventTime, dueAt: watermark.time.milliseconds) }
        let result = try op.processWatermark(watermark, into: &output)
        if let result { forwarded.append(result) }
        return result
    }

    /// Fires the processing-time timers due now on ``context``'s processing-time service.
    public mutating func advanceProcessingTime() throws {
        try fire(.processingTime, dueAt: context.processingTime.now())
    }

    /// When the operator's next processing-time timer is due, if it has one.
    public var nextProcessingTimer: Int64? { op.nextProcessingTimer }

    private mutating func fire(_ domain: TimeDomain, dueAt time: Int64) throws {
        while try op.fireTimers(domain, dueAt: time, limit: timerChunk, into: &output) {}
    }

    /// Pushes the barrier of checkpoint `checkpoint`, as an aligned input gate hands it over: the
    /// operator's snapshot for it, as of the records pushed so far.
    public mutating func pushBarrier(_ checkpoint: Int64) throws -> OperatorSnapshot {
        try snapshot(checkpoint: checkpoint)
    }

    /// What the operator stores for checkpoint `checkpoint` (its barrier having arrived).
    public mutating func snapshot(checkpoint: Int64) throws -> OperatorSnapshot {
        var snapshot = OperatorSnapshot(operatorID: context.stageID, checkpointID: checkpoint, maxParallelism: context.maxParallelism)
        try op.snapshotState(checkpoint: checkpoint, into: &snapshot.keyed)
        return snapshot
    }

    /// Tells the operator checkpoint `id` completed.
    public mutating func notifyCheckpointComplete(_ id: Int64) throws { try op.notifyCheckpointComplete(id) }

    /// Tells the operator checkpoint `id` was aborted.
    public mutating func notifyCheckpointAborted(_ id: Int64) { op.notifyCheckpointAborted(id) }

    /// Records emitted since the last call, and clears them.
    public mutating func takeOutput() -> [Operator.Output] {
        defer { output.removeAll() }
        return Array(output.records)
    }

    /// Records (with timestamps) emitted since the last call, and clears them.
    public mutating func takeBatch() -> Batch<Operator.Output> {
        defer { output.removeAll() }
        return output
    }

    /// Watermarks the operator forwarded so far.
    public var forwardedWatermarks: [Watermark] { forwarded }

    /// Records emitted and not yet taken.
    public var unreadOutput: Int { output.count }

    /// Ends the input; returns every record not yet taken, including the operator's final ones.
    public mutating func finish() throws -> [Operator.Output] {
        try op.finish(into: &output)
        return takeOutput()
    }

    /// Closes the operator and checks that every record it emitted was read.
    ///
    /// - Throws: ``UnreadOutput`` naming how many records were left.
    public mutating func end() throws {
        if !closed {
            closed = true
            op.close()
        }
        if !output.isEmpty { throw UnreadOutput(count: output.count, first: FlowError.describe(output.records[0])) }
        if let (id, count) = context.sideOutputs._unread().first {
            throw UnreadOutput(count: count, first: "(in side output '\(id)')")
        }
    }

    /// The operator itself (to inspect its state).
    public var operatorState: Operator { op }
}

/// Thrown by ``OperatorHarness/end()`` when the operator emitted records the test did not read.
public struct UnreadOutput: Error, CustomStringConvertible {
    /// How many records were left.
    public var count: Int
    /// The first of them, described.
    public var first: String
    public var description: String { "the operator emitted \(count) record(s) the test did not read, the first: \(first)" }
}
