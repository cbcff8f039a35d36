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

    /// Wakes the instance's task if it waits: a source whose records are made elsewhere (a pump
    /// task, a network callback) calls it when records become ready after a read found none
    /// (`.idle`), so the task reads them at once instead of at its next idle poll.
    ///
    /// Safe from any thread, any number of times; a call while the task is busy makes its next
    /// wait return at once. The runtime gives every instance a hook that notifies its task's
    /// signal; the default does nothing (the task then finds the records at its next poll).
    ///
    /// - Complexity: O(1): an atomic exchange, plus a wake-up if the task is parked.
    public var wakeUp: @Sendable () -> Void
    /// The side outputs the task routes for the instance (see ``sideOutput(_:)``).
    public var sideOutputs: SideOutputRegistry

    public init(
        stageName: String, stageID: String, subtask: Int, parallelism: Int, maxParallelism: Int = KeyGroup.defaultMaxParallelism,
        processingTime: ProcessingTimeService = .system, wakeUp: @escaping @Sendable () -> Void = {},
        sideOutputs: SideOutputRegistry = SideOutputRegistry()
    ) {
        self.stageName = stageName
        self.stageID = stageID
        self.subtask = subtask
        self.parallelism = parallelism
        self.maxParallelism = maxParallelism
        self.processingTime = processingTime
        self.wakeUp = wakeUp
        self.sideOutputs = sideOutputs
    }

    /// The key groups this instance owns.
    public var keyGroupRange: KeyGroupRange {
        KeyGroupRange(subtask: subtask, parallelism: parallelism, maxParallelism: maxParallelism)
    }
}
