/// An operator with one input stream: it consumes batches and control elements and appends
/// its output to a batch the task gives it.
///
/// Operators are written against this protocol and are driven one batch at a time. Everything
/// per record happens inside ``process(_:into:)``, which is specialized for the concrete
/// operator type (see ``AnyOneInputOperator``), so a task pays one indirect call per batch.
///
/// ## Concurrency
/// An instance is confined to the task that runs it; it is never called from two threads.
public protocol OneInputOperator<Input, Output>: SendableMetatype {
    /// The type of the records consumed.
    associatedtype Input: Sendable
    /// The type of the records produced.
    associatedtype Output: Sendable

    /// The number of user-visible stages this operator runs (more than 1 for a fused chain).
    static var stageCount: Int { get }

    /// Called once before the first element.
    mutating func open(context: OperatorContext) throws

    /// Processes every record of `input`, appending results to `output`, and empties `input`
    /// (keeping its capacity).
    ///
    /// - Throws: ``RecordFailure`` naming the failing record.
    /// - Complexity: O(input.count) calls of the user's functions; no allocation in steady state.
    mutating func process(_ input: inout Batch<Input>, into output: inout Batch<Output>) throws

    /// Called when the task's watermark advances; returns the watermark to forward (or `nil`
    /// to hold it back). Records appended to `output` go before the forwarded watermark.
    mutating func processWatermark(_ watermark: Watermark, into output: inout Batch<Output>) throws -> Watermark?

    /// Called once after the last input; may append final records.
    mutating func finish(into output: inout Batch<Output>) throws

    /// For a fused chain: appends the number of records each stage but the last has emitted,
    /// in stage order. A single stage appends nothing.
    func internalStageCounts(into counts: inout [Int])
}

extension OneInputOperator {
    public static var stageCount: Int { 1 }
    public mutating func open(context: OperatorContext) throws {}
    public mutating func processWatermark(_ watermark: Watermark, into output: inout Batch<Output>) throws -> Watermark? {
        watermark
    }
    public mutating func finish(into output: inout Batch<Output>) throws {}
    public func internalStageCounts(into counts: inout [Int]) {}
}
