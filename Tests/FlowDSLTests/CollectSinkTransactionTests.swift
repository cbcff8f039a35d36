import Flow
@testable import FlowConnectors
import Testing

/// The transactional collect sink: records appear when the checkpoint after them commits, never
/// before, exactly once, and those of an aborted transaction never.
@Suite struct CollectSinkTransactionTests {
    private static func writer(into results: CollectedRecords<Int>, transactional: Bool) async throws -> CollectSink<Int>.Writer {
        var writer = CollectSink<Int>.Writer(target: results, transactional: transactional)
        try await writer.open(context: OperatorContext(stageName: "sink", stageID: "sink", subtask: 0, parallelism: 1))
        return writer
    }

    private static func write(_ records: [Int], to writer: inout CollectSink<Int>.Writer) async throws {
        var batch = Batch(records, timestamp: .unassigned)
        try await writer.write(&batch)
    }

    @Test("Pre-committed records appear on commit, once; a repeated commit adds nothing")
    func commitMakesVisible() async throws {
        let results = CollectedRecords<Int>()
        var writer = try await Self.writer(into: results, transactional: true)
        try await Self.write([1, 2], to: &writer)
        try await writer.preCommit(checkpoint: 1)
        try await Self.write([3], to: &writer)
        #expect(results.records.isEmpty)
        try await writer.commit(checkpoint: 1)
        #expect(results.records == [1, 2])
        try await writer.commit(checkpoint: 1)
        #expect(results.records == [1, 2])
        try await writer.preCommit(checkpoint: 2)
        try await writer.finish()
        #expect(results.records == [1, 2, 3])
        await writer.close()
    }

    @Test("A commit also commits the transactions of earlier checkpoints that did not complete")
    func commitTakesEarlierPending() async throws {
        let results = CollectedRecords<Int>()
        var writer = try await Self.writer(into: results, transactional: true)
        try await Self.write([1], to: &writer)
        try await writer.preCommit(checkpoint: 1)
        try await Self.write([2], to: &writer)
        try await writer.preCommit(checkpoint: 2)
        try await writer.commit(checkpoint: 2)
        #expect(results.records == [1, 2])
    }

    @Test("An aborted transaction's records never appear; a failed run's uncommitted records neither")
    func abortDiscards() async throws {
        let results = CollectedRecords<Int>()
        var writer = try await Self.writer(into: results, transactional: true)
        try await Self.write([1], to: &writer)
        try await writer.preCommit(checkpoint: 1)
        await writer.abort(checkpoint: 1)
        try await Self.write([2], to: &writer)
        try await writer.preCommit(checkpoint: 2)
        try await writer.commit(checkpoint: 2)
        #expect(results.records == [2])
        try await Self.write([3], to: &writer)
        await writer.close()  // the run failed: no finish
        #expect(results.records == [2])
    }

    @Test("A transactional sink at the end of a job shows every record, as the plain one does")
    func jobOutputMatches() async throws {
        let plain = CollectedRecords<Int>()
        let transactional = CollectedRecords<Int>()
        for (results, isTransactional) in [(plain, false), (transactional, true)] {
            let job = try Job("collect") {
                Source(Array(0..<500))
                Map { (x: Int) in x * 2 }
                Sink(.collect(into: results, transactional: isTransactional))
            }
            try await job.run()
        }
        #expect(transactional.records == plain.records)
        #expect(transactional.records.count == 500)
    }
}
