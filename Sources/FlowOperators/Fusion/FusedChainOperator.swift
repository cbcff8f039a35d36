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
        defer { self.chain = chain }
        try output.withAppender(reservingCapacity: input.count) { appender in
            try input.withUnsafeBuffers { records, timestamps in
                for index in records.indices {
                    do {
                        try chain.push(records[index], at: timestamps[index], into: &appender)
                    } catch let failure as StageFailure {
                        throw RecordFailure(stage: failure.stage, recordIndex: index, record: failure.record,
                                            underlying: failure.underlying)
                    }
                }
            }
        }
        input.removeAll(keepingCapacity: true)
    }

    public func internalStageCounts(into counts: inout [Int]) {
        chain.handoffCounts(into: &counts)
    }
}

/// The end of a fused chain: records go straight into the output batch's storage.
extension BatchAppender: RecordCollector {
    @inlinable @inline(__always)
    public mutating func collect(_ record: Element, at timestamp: EventTime) {
        append(record, at: timestamp)
    }
}

extension FusedChainOperator: Sendable {}
