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
/// (`Task.yield()`) every ``yieldInterval`` steps, so a job with an endless source shares Swift's
/// cooperative thread pool with the rest of the program.
public struct SyncBackend: ExecutionBackend {
    public var kind: BackendKind { .sync }

    /// Steps between two voluntary suspensions. Default 64: one step moves one batch, so on the
    /// fused benchmark in Docs/PERFORMANCE.md (17.6 ns per record at batch 1024) that is about
    /// 1.2 ms of work between suspensions.
    public var yieldInterval: Int
    /// The seed of the pseudo-random interleaving; `nil` visits tasks round robin.
    public var seed: UInt64?
    /// Where the schedule controller writes its steps, if anywhere.
    public var trace: ScheduleTrace?

    /// A round-robin sync backend that yields every 64 steps.
    public init() {
        yieldInterval = 64
    }

    /// A sync backend that yields every `yieldInterval` steps (at least 1), interleaving tasks
    /// from `seed` if one is given, and recording steps to `trace` if one is given.
    public init(yieldInterval: Int = 64, seed: UInt64? = nil, trace: ScheduleTrace? = nil) {
        self.yieldInterval = Swift.max(1, yieldInterval)
        self.seed = seed
        self.trace = trace
    }
}
