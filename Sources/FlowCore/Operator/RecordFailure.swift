/// Thrown by an operator when processing one record failed; the runtime turns it into a
/// ``FlowError`` with the stage's name and the record's position in the task's input.
public struct RecordFailure: Error, Sendable {
    /// The failing stage's position inside the operator (0 unless the operator is a fused chain).
    public var stage: Int
    /// The index of the input record being processed: in the batch given to `process`, or, for a
    /// source fused with stages, among the records the failing read made.
    public var recordIndex: Int
    /// A description of the record the failing stage received.
    public var record: String
    /// What the stage's function threw.
    public var underlying: any Error

    public init(stage: Int, recordIndex: Int, record: String, underlying: any Error) {
        self.stage = stage
        self.recordIndex = recordIndex
        self.record = record
        self.underlying = underlying
    }
}
