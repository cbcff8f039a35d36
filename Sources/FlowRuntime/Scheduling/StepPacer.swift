/// How many records a task instance takes in at one step, so that the work of one step stays
/// within half the flush timeout and what one step hands to the task's tail within one batch's
/// byte budget, whatever a record costs or weighs.
///
/// A source reads at most ``limit`` records per step; a task that reads channels takes a received
/// batch in slices of at most ``limit`` records, one slice per step. During a step the head and the
/// operators report the time their work took (``addWork(since:)``: a source's read with the stages
/// fused into it, an operator's `process`) and the tail the bytes handed to it
/// (``addOutputBytes(_:)``); the head ends the step with the records it took in
/// (``endStep(records:)``). From these the pacer sets the next limit:
///
/// ```
/// limit = min(batchSize, 4 × limit, workBudget ÷ work per record, byteBudget ÷ bytes per record), at least 1
/// ```
///
/// Work per record is the last step's; bytes per record the larger of the last step's and the
/// previous estimate less a quarter (quick to grow, slow to shrink). The limit starts at 1 and
/// grows at most fourfold per step, so the first record of a source costing 1 ms per record leaves
/// after 1 ms of work, not after a batch of it, and a task reaches full batches within six steps
/// when records are cheap (1 → 4 → … → 1024). Time spent writing to a sink or waiting for credit
/// is not work: a sink that takes long per batch does not shrink the batches it is given.
///
/// A task whose channels feed its sink directly does no work to pace: its pacer is unpaced, and
/// its limit stays at the batch size (a received batch is already within its byte budget).
///
/// Under the schedule controller the clock counts scheduler steps, so work inside a step takes no
/// time and the limit depends only on record sizes and the seed.
///
/// - Complexity: O(1) per step; two clock reads per measured piece of work.
///
/// ## Concurrency
/// Confined to the task instance that owns it (its head, operator nodes and tail).
package final class StepPacer {
    /// The most records a step takes in: the batch size.
    package let batchSize: Int
    /// Bytes one step may hand to the tail: the byte budget of one batch.
    package let byteBudget: Int
    /// Nanoseconds of work one step may take: half the flush timeout.
    package let workBudget: Int64
    private let clock: FlushClock
    /// Records the head may take in at its next step, 1...batchSize.
    package private(set) var limit = 1
    private var stepWork: Int64 = 0
    private var stepBytes = 0
    private var bytesPerRecord = 0.0

    /// Whether the limit adapts (else it stays at `batchSize`).
    package let isPaced: Bool

    package init(batchSize: Int, byteBudget: Int, flushTimeout: Duration, clock: FlushClock, paced: Bool = true) {
        precondition(batchSize >= 1 && byteBudget >= 1, "StepPacer: batchSize \(batchSize) and byteBudget \(byteBudget) must be at least 1")
        self.batchSize = batchSize
        self.byteBudget = byteBudget
        workBudget = Swift.max(1, flushTimeout.nanoseconds / 2)
        self.clock = clock
        isPaced = paced
        limit = paced ? 1 : batchSize
    }

    /// The time now, to pass to ``addWork(since:)`` when the work ends.
    @inline(__always)
    package func now() -> Int64 { clock.nanoseconds() }

    /// Counts the time since `start` (from ``now()``) as work of this step.
    @inline(__always)
    package func addWork(since start: Int64) {
        stepWork &+= clock.nanoseconds() &- start
    }

    /// Counts `bytes` as handed to the task's tail in this step.
    @inline(__always)
    package func addOutputBytes(_ bytes: Int) {
        stepBytes &+= bytes
    }

    /// Ends a step in which the head took in `records` records, and sets the next ``limit``.
    package func endStep(records: Int) {
        defer {
            stepWork = 0
            stepBytes = 0
        }
        guard records > 0, isPaced else { return }
        let taken = Double(records)
        var next = Double(Swift.min(batchSize, limit &* 4))
        if stepWork > 0 {
            next = Swift.min(next, Double(workBudget) / (Double(stepWork) / taken))
        }
        bytesPerRecord = Swift.max(Double(stepBytes) / taken, bytesPerRecord * 0.75)
        if bytesPerRecord > 0 {
            next = Swift.min(next, Double(byteBudget) / bytesPerRecord)
        }
        limit = Swift.max(1, Int(next))
    }
}
