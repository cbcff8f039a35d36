public import FlowCore

/// Runs a chain of fusable stages over batches: the body of a fused task.
///
/// - Complexity: per batch, one loop over the records; per record, the stages' functions
///   called directly (specialized), and one append to the output batch. No allocation in
///   steady state.
public struct FusedChainOperator<Chain: FusableStage>: OneInputOperator {
    public typealias Input = Chain.Input
    public typealias Output = Chain.Output

    @usableFromInline var chain: Chain
    /// Records received and emitted so far (for the chain's hand-off counts).
    @usableFromInline var received = 0
    @usableFromInline var emitted = 0

    public init(_ chain: Chain) {
        var chain = chain
        var ordinal = 0
        chain.assignOrdinals(from: &ordinal)
        self.chain = chain
    }

    public static var stageCount: Int { Chain.stageCount }

    @inlinable
    public mutating func process(_ input: inout Batch<Input>, into output: inout Batch<Output>) throws {
        // Run on a local copy so the stages' counters stay in registers for the whole batch,
        // instead of being written back to the heap-allocated operator after every record.
        var chain = self.chain
        let before = output.count
        received += input.count
        defer {
            self.chain = chain
            emitted += output.count - before
        }
        try output.withAppender(reservingCapacity: input.count) { appender in
            try input.withUnsafeBuffers { records, timestamps in
                for index in records.indices {
                    do {
                        try chain.run(records[index], at: timestamps[index], appendingTo: &appender)
                    } catch let failure as StageFailure {
                        throw RecordFailure(
                            stage: failure.stage, recordIndex: index, record: failure.record,
                            underlying: failure.underlying)
                    }
                }
            }
        }
        input.removeAll(keepingCapacity: true)
    }

    @inlinable
    public func internalStageCounts(into counts: inout [Int]) {
        chain.handoffCounts(into: &counts, input: received, output: emitted)
    }
}

extension FusedChainOperator: Sendable {}
