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
/// Work per record is the smaller of the last two timed steps' (a step the operating system
/// preempted looks slow once, and must not shrink the steps after it; a cost that really grew
/// shows in two steps); bytes per record the larger of the last step's and the previous estimate
/// less a quarter (quick to grow, slow to shrink). The limit starts at 1 and
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
/// Reading the clock costs tens of nanoseconds, a few percent of a cheap step. So once a task runs
/// full batches whose work takes less than an eighth of the budget, only every fourth step is
/// timed; every step is timed again as soon as one is not that cheap, and while the limit is
/// below the batch size. (A cost that jumps between two timed steps is seen at most four steps
/// late; a step at the old limit is the price of any measurement after the fact.) Bytes are
/// counted at every step.
///
/// - Complexity: O(1) per step; two clock reads per timed piece of work.
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
    /// Estimated bytes per record handed to the tail, rounded up.
    private var bytesPerRecord = 0
    /// The work per record of the last timed step, in nanoseconds (`nil` before the first).
    private var lastWorkPerRecord: Double?
    /// Whether this step's work is timed, and how many steps are left until the next timed one.
    private var timing = true
    private var untimedLeft = 0

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

    /// The time now if this step is timed (else 0), to pass to ``addWork(since:)`` when the work ends.
    @inline(__always)
    package func now() -> Int64 { timing ? clock.nanoseconds() : 0 }

    /// Counts the time since `start` (from ``now()``) as work of this step, if it is timed.
    @inline(__always)
    package func addWork(since start: Int64) {
        if timing { stepWork &+= clock.nanoseconds() &- start }
    }

    /// Counts `bytes` as handed to the task's tail in this step.
    @inline(__always)
    package func addOutputBytes(_ bytes: Int) {
        stepBytes &+= bytes
    }

    /// Ends a step in which the head took in `records` records, and sets the next ``limit``.
    package func endStep(records: Int) {
        let work = stepWork
        let timed = timing
        stepWork = 0
        let bytes = stepBytes
        stepBytes = 0
        guard records > 0, isPaced else { return }
        let average = (bytes + records - 1) / records
        bytesPerRecord = Swift.max(average, bytesPerRecord - bytesPerRecord / 4)
        let previousWork = lastWorkPerRecord
        if timed { lastWorkPerRecord = Double(work) / Double(records) }
        // The common case, all in integers: full batches of cheap, small records stay full.
        let cheap = work &* 8 <= workBudget
        if limit == batchSize, !timed || work &* Int64(batchSize) <= workBudget &* Int64(records),
            bytesPerRecord &* batchSize <= byteBudget
        {
            scheduleTiming(cheap: cheap || !timed)
            return
        }
        var next = Swift.min(batchSize, timed ? limit &* 4 : limit)
        if timed, let perRecord = lastWorkPerRecord {
            let estimate = previousWork.map { Swift.min(perRecord, $0) } ?? perRecord
            if estimate > 0 { next = Swift.min(next, Int(Swift.min(Double(batchSize), Double(workBudget) / estimate))) }
        }
        if bytesPerRecord > 0 { next = Swift.min(next, byteBudget / bytesPerRecord) }
        limit = Swift.max(1, next)
        scheduleTiming(cheap: timed && cheap)
    }

    /// Decides whether the next step is timed: every fourth while steps at the full limit are cheap.
    @inline(__always)
    private func scheduleTiming(cheap: Bool) {
        if limit == batchSize && cheap {
            if timing { untimedLeft = 3 } else { untimedLeft -= 1 }
            timing = untimedLeft <= 0
        } else {
            timing = true
            untimedLeft = 0
        }
    }
}
