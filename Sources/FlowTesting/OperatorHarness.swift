public import Flow

/// Drives one operator by hand: push records and watermarks, read what it emitted.
///
/// ```swift
/// var harness = try OperatorHarness(KeyedReduceOperator(key: { (x: Int) in x % 2 }, combine: +))
/// try harness.push([1, 2, 3])
/// #expect(harness.takeOutput() == [1, 2, 4])
/// ```
/// ``finish()`` ends the input and returns the last records; a harness whose output was not read
/// reports it through ``unreadOutput``, so a test can check nothing was left behind.
///
/// ## Concurrency
/// A value confined to the test that owns it.
public struct OperatorHarness<Operator: OneInputOperator> {
    private var op: Operator
    private var output = Batch<Operator.Output>()
    private var forwarded: [Watermark] = []

    /// Opens `op` as subtask `subtask` of `parallelism`.
    public init(_ op: Operator, subtask: Int = 0, parallelism: Int = 1, maxParallelism: Int = KeyGroup.defaultMaxParallelism) throws {
        self.op = op
        try self.op.open(context: OperatorContext(stageName: "harness", stageID: "harness", subtask: subtask,
                                                  parallelism: parallelism, maxParallelism: maxParallelism))
    }

    /// Pushes records, all at `timestamp`, as one batch.
    public mutating func push(_ records: [Operator.Input], at timestamp: EventTime = .unassigned) throws {
        var batch = Batch(records, timestamp: timestamp)
        try op.process(&batch, into: &output)
    }

    /// Pushes a batch.
    public mutating func push(_ batch: Batch<Operator.Input>) throws {
        var batch = batch
        try op.process(&batch, into: &output)
    }

    /// Pushes a watermark; returns the watermark the operator forwards, if any.
    @discardableResult
    public mutating func pushWatermark(_ watermark: Watermark) throws -> Watermark? {
        let result = try op.processWatermark(watermark, into: &output)
        if let result { forwarded.append(result) }
        return result
    }

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

    /// The operator itself (to inspect its state).
    public var operatorState: Operator { op }
}
