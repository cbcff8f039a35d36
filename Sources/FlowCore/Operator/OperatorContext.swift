/// What a running operator, source or sink instance knows about its place in the job, and the
/// services the task gives it.
public struct OperatorContext: Sendable {
    /// The stage's display name (the first stage's, for a fused chain).
    public var stageName: String
    /// The stage's stable operator id.
    public var stageID: String
    /// This instance's index, `0..<parallelism`.
    public var subtask: Int
    /// How many instances of the stage run.
    public var parallelism: Int
    /// The number of key groups (the stage's maximum parallelism).
    public var maxParallelism: Int

    /// Where the instance reads processing time (for processing-time timers and periodic work).
    public var processingTime: ProcessingTimeService

    public init(stageName: String, stageID: String, subtask: Int, parallelism: Int, maxParallelism: Int = KeyGroup.defaultMaxParallelism,
                processingTime: ProcessingTimeService = .system) {
        self.stageName = stageName
        self.stageID = stageID
        self.subtask = subtask
        self.parallelism = parallelism
        self.maxParallelism = maxParallelism
        self.processingTime = processingTime
    }

    /// The key groups this instance owns.
    public var keyGroupRange: KeyGroupRange {
        KeyGroupRange(subtask: subtask, parallelism: parallelism, maxParallelism: maxParallelism)
    }
}
