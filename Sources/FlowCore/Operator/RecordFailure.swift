/// Thrown by an operator when processing one record failed; the runtime turns it into a
/// ``FlowError`` with the stage's name and the record's position in the task's input.
public struct RecordFailure: Error, Sendable {
    /// What failed on a record, so the error can blame the right thing.
    public enum Origin: Sendable, Hashable {
        /// The stage's function threw (a map or filter closure, a reduce, aggregate or
        /// co-process function, a custom partitioner).
        case function
        /// The stage's key selector threw.
        case keySelector
        /// The record's key cannot be used: it is not equal to itself (a floating-point NaN), so
        /// keyed state could never be found by it. ``RecordFailure/underlying`` says which key.
        case key
    }

    /// The failing stage's position inside the operator (0 unless the operator is a fused chain).
    public var stage: Int
    /// The index of the input record being processed: in the batch given to `process`, or, for a
    /// source fused with stages, among the records the failing read made.
    public var recordIndex: Int
    /// A description of the record the failing stage received.
    public var record: String
    /// What failed: the stage's function, unless the operator says otherwise.
    public var origin: Origin
    /// What the stage's function or key selector threw, or why the key cannot be used.
    public var underlying: any Error

    public init(stage: Int, recordIndex: Int, record: String, origin: Origin = .function, underlying: any Error) {
        self.stage = stage
        self.recordIndex = recordIndex
        self.record = record
        self.origin = origin
        self.underlying = underlying
    }
}
