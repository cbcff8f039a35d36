import Flow
import FlowRuntime
import Testing

/// A run that resumes from snapshots hands each instance its share: a source its splits, from
/// where each stopped, at any parallelism.
@Suite struct RestoreTests {
    @Test("A collection source stored at p = 2 resumes at p = 3 from its positions, on every backend", arguments: [BackendKind.sync, .dispatch, .actor])
    func sourceResumesFromSplits(on kind: BackendKind) async throws {
        let results = CollectedRecords<Int>()
        let job = try Job("resume") {
            Source(Array(0..<1000)).uid("numbers").parallelism(3)
            Sink(.collect(into: results)).parallelism(3)
        }
        let stored = OperatorSnapshot(
            operatorID: "numbers", checkpointID: 7, maxParallelism: KeyGroup.defaultMaxParallelism,
            splits: [SourceSplit(index: 0, splitCount: 2, position: 300), SourceSplit(index: 1, splitCount: 2, position: 100)])
        let run = JobExecution(plan: job.plan, backend: kind.defaultBackend, processingTime: nil, restoring: ["numbers": [stored]])
        _ = try await run.run()
        #expect(results.records.sorted() == Array(300..<500) + Array(600..<1000))
        // Split 0 went to instance 0, split 1 to instance 1; instance 2 had nothing to read.
        #expect(results.records(ofSubtask: 0) == Array(300..<500))
        #expect(results.records(ofSubtask: 1) == Array(600..<1000))
        #expect(results.records(ofSubtask: 2).isEmpty)
    }

    @Test(
        "A stamping source fused with the stages after it resumes from its splits too (the wrappers pass them to the reader)",
        arguments: [BackendKind.sync, .dispatch, .actor])
    func fusedStampedSourceResumes(on kind: BackendKind) async throws {
        let results = CollectedRecords<Int>()
        let job = try Job("resume fused") {
            Source(Array(0..<100)).withTimestamps { EventTime(milliseconds: Int64($0)) }.uid("numbers")
            Map { (x: Int) in x * 2 }
            Sink(.collect(into: results))
        }
        #expect(job.plan.tasks.count == 1, "the source, the map and the sink run as one task")
        let stored = Self.snapshot(of: "numbers", splits: [SourceSplit(index: 0, splitCount: 1, position: 40)])
        let run = JobExecution(plan: job.plan, backend: kind.defaultBackend, processingTime: nil, restoring: ["numbers": [stored]])
        _ = try await run.run()
        #expect(results.records == (40..<100).map { $0 * 2 })
        #expect(results.timestamps == (40..<100).map { EventTime(milliseconds: Int64($0)) })
    }

    /// Runs `Source(0..<10) (uid "numbers") → collect` on the sync backend, resumed from `snapshot`
    /// (stored under its own uid): the error the run throws, and the records it collected.
    private static func resume(from snapshot: OperatorSnapshot) async -> (error: FlowError?, records: [Int]) {
        let results = CollectedRecords<Int>()
        do {
            let job = try Job("resume") {
                Source(Array(0..<10)).uid("numbers")
                Sink(.collect(into: results))
            }
            let run = JobExecution(
                plan: job.plan, backend: BackendKind.sync.defaultBackend, processingTime: nil,
                restoring: [snapshot.operatorID: [snapshot]])
            _ = try await run.run()
            return (nil, results.records)
        } catch {
            return (error as? FlowError, results.records)
        }
    }

    private static func snapshot(of uid: String, splits: [SourceSplit]) -> OperatorSnapshot {
        OperatorSnapshot(operatorID: uid, checkpointID: 7, maxParallelism: KeyGroup.defaultMaxParallelism, splits: splits)
    }

    @Test("A snapshot that lacks one of the source's splits (an instance's snapshot is missing) is refused: its records would be lost")
    func missingSplitFails() async {
        let (error, records) = await Self.resume(from: Self.snapshot(of: "numbers", splits: [SourceSplit(index: 1, splitCount: 2, position: 0)]))
        #expect(error?.code == .stateRestoreFailed && error?.message.contains("lack split 0 of 2") == true)
        #expect(records.isEmpty)
    }

    @Test("Snapshots of a stage the job does not have (renamed, removed) are refused, naming the uid")
    func orphanStateIsRefused() async {
        let (error, records) = await Self.resume(from: Self.snapshot(of: "old-numbers", splits: [SourceSplit(index: 0, splitCount: 1, position: 3)]))
        #expect(error?.code == .stateRestoreFailed && error?.message.contains("uid 'old-numbers', which the job does not have") == true)
        #expect(records.isEmpty)
    }

    @Test("Empty snapshots of a stage the job no longer has (a stateless stage whose derived uid changed) lose nothing and are let through")
    func emptyOrphanIsAllowed() async {
        let (error, records) = await Self.resume(from: Self.snapshot(of: "an-old-map", splits: []))
        #expect(error == nil)
        #expect(records == Array(0..<10))
    }

    @Test("Splits that disagree on their count fail the run before it starts, naming the problem")
    func inconsistentSplitsFail() async {
        let (error, records) = await Self.resume(
            from: Self.snapshot(
                of: "numbers",
                splits: [
                    SourceSplit(index: 0, splitCount: 2, position: 0), SourceSplit(index: 1, splitCount: 3, position: 0),
                ]))
        #expect(error?.code == .stateRestoreFailed && error?.message.contains("disagree on how many splits") == true)
        #expect(records.isEmpty)
    }
}
