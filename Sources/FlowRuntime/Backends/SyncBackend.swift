public import FlowCore

/// Runs its tasks on the caller's task, one step at a time: deterministic, the test backend.
///
/// A step moves one batch or control element through one task instance; a task without credit or
/// input is passed over. Without a seed the scheduler visits tasks round robin. With a seed it is
/// the **schedule controller**: it picks the next task and how many steps it runs from a
/// pseudo-random sequence, so a seed reproduces an interleaving exactly, and a ``ScheduleTrace``
/// records it. Tests run a job under many seeds to find order bugs that one schedule hides.
/// Under a seed, the flush timeout is counted in steps (each step 1/32 of it), so when a partial
/// batch leaves depends on the seed only; sources that read the wall clock (a rate-limited
/// generator) are the one thing a seed cannot replay.
///
/// When no task can move, the scheduler sleeps until the earliest time a source asked to be read
/// again, or waits for input from tasks on other backends; if no task can ever move again it
/// fails with `.internalError` naming the stuck tasks rather than hanging. It suspends
/// (`Task.yield()`) once ``yieldPeriod`` of work has passed since it last did, so a job with an
/// endless source shares Swift's cooperative thread pool with the rest of the program.
public struct SyncBackend: ExecutionBackend {
    public var kind: BackendKind { .sync }

    /// Work between two voluntary suspensions. Default 1 ms: a suspension costs tens of
    /// microseconds when another thread of the pool picks the job up, which short steps (a few
    /// microseconds each) should not pay often. The clock is read every 16 steps while steps are
    /// short and after every step once they are not, so heavy steps do not hold the thread long.
    public var yieldPeriod: Duration
    /// The seed of the pseudo-random interleaving; `nil` visits tasks round robin.
    public var seed: UInt64?
    /// Where the schedule controller writes its steps, if anywhere.
    public var trace: ScheduleTrace?

    /// A round-robin sync backend that suspends after each millisecond of work.
    public init() {
        yieldPeriod = .milliseconds(1)
    }

    /// A sync backend that suspends after each `yieldPeriod` of work (at least 1 µs),
    /// interleaving tasks from `seed` if one is given, and recording steps to `trace` if one is given.
    public init(yieldPeriod: Duration = .milliseconds(1), seed: UInt64? = nil, trace: ScheduleTrace? = nil) {
        self.yieldPeriod = Swift.max(.microseconds(1), yieldPeriod)
        self.seed = seed
        self.trace = trace
    }
}
