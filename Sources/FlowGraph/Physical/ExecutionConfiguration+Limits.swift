/// The ranges the planner accepts for each setting of an ``ExecutionConfiguration``; a value
/// outside its range fails `Job(…)` with `.invalidConfiguration` before anything runs.
///
/// The bounds keep every run's allocations and arithmetic in range: batches, bridge rings and
/// key groups are allocated whole from these numbers, and the flush timeout is divided and
/// multiplied by the schedule controller's clock.
extension ExecutionConfiguration {
    /// Batch sizes the planner accepts: 1 to 2^20 (1,048,576) records. Each task allocates whole
    /// batches of this size (one per body node and per output channel); beyond about a thousand
    /// records a larger batch saves nothing per record, so the bound only costs memory.
    public static let batchSizeRange: ClosedRange<Int> = 1...(1 << 20)

    /// Credit windows the planner accepts: 1 to 4096 elements per bridge. A bridge allocates a
    /// ring of this many slots and keeps about twice as many emptied batches for reuse; a few
    /// credits already keep both sides busy, and memory in flight grows with
    /// `channelCredits × batchSize` records.
    public static let channelCreditsRange: ClosedRange<Int> = 1...4096

    /// Byte budgets per bridge the planner accepts: 1 byte (every batch then holds a single record)
    /// to 2^40 (1 TiB, more than any machine holds: a budget that large bounds nothing).
    public static let channelByteBudgetRange: ClosedRange<Int> = 1...(1 << 40)

    /// Default parallelisms the planner accepts: 1 to 32768, and at most ``defaultMaxParallelism``
    /// (a stage's own parallelism is bounded by its max parallelism, so by 32768 as well).
    public static let parallelismRange: ClosedRange<Int> = 1...32768

    /// Key-group counts (max parallelism) the planner accepts, for the configuration's default and
    /// for a stage's own `.maxParallelism(_:)`: 1 to 32768, as in Flink.
    public static let maxParallelismRange: ClosedRange<Int> = 1...32768

    /// The longest ``flushTimeout`` the planner accepts: 1 hour. A flush timeout must also be
    /// positive. A record held back longer than this is no longer a latency bound but a stall,
    /// and the bound keeps the clock arithmetic on the timeout far from overflow.
    public static let maximumFlushTimeout: Duration = .seconds(3600)
}
