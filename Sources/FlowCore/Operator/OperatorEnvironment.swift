/// What a factory is given when it makes the operator, reader or writer of one parallel
/// instance: its place in the job, the state backend to keep keyed state in, and the state to
/// resume from.
///
/// Factories run on the job's task while the job is built, once per instance; what they make is
/// then confined to the instance's task.
public struct OperatorEnvironment: Sendable {
    /// The instance's place in the job and its services.
    public var context: OperatorContext
    /// Where the instance keeps keyed state.
    public var stateBackend: StateBackendChoice
    /// The state the instance resumes from, if the job is restored: its operator's snapshots,
    /// already cut to this instance (its key groups, its share of a source's splits).
    public var restored: OperatorSnapshot?

    public init(context: OperatorContext, stateBackend: StateBackendChoice = .memory, restored: OperatorSnapshot? = nil) {
        self.context = context
        self.stateBackend = stateBackend
        self.restored = restored
    }
}

/// Which state backend an operator keeps its keyed state in.
public enum StateBackendChoice: String, Hashable, Sendable {
    /// Live Swift values in a hash table per key group (``RAMValueState``): the fastest, bounded
    /// by memory.
    case memory
}
