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
        let stored = OperatorSnapshot(operatorID: "numbers", checkpointID: 7, maxParallelism: KeyGroup.defaultMaxParallelism,
                                      splits: [SourceSplit(index: 0, splitCount: 2, position: 300), SourceSplit(index: 1, splitCount: 2, position: 100)])
        let run = JobExecution(plan: job.plan, backend: kind.defaultBackend, processingTime: nil, restoring: ["numbers": [stored]])
        _ = try await run.run()
        #expect(results.records.sorted() == Array(300..<500) + Array(600..<1000))
        // Split 0 went to instance 0, split 1 to instance 1; instance 2 had nothing to read.
        #expect(results.records(ofSubtask: 0) == Array(300..<500))
        #expect(results.records(ofSubtask: 1) == Array(600..<1000))
        #expect(results.records(ofSubtask: 2).isEmpty)
    }

    @Test("A snapshot that lacks one of the source's splits (an instance's snapshot is missing) is refused: its records would be lost")
    func missingSplitFails() async throws {
        let job = try Job("resume") {
            Source(Array(0..<10)).uid("numbers")
            Sink(.collect(into: CollectedRecords<Int>()))
        }
        let stored = OperatorSnapshot(operatorID: "numbers", checkpointID: 7, maxParallelism: KeyGroup.defaultMaxParallelism,
                                      splits: [SourceSplit(index: 1, splitCount: 2, position: 0)])
        let run = JobExecution(plan: job.plan, backend: BackendKind.sync.defaultBackend, processingTime: nil, restoring: ["numbers": [stored]])
        await #expect { _ = try await run.run() } throws: { error in
            (error as? FlowError)?.message.contains("lack split 0 of 2") == true
        }
    }

    @Test("Snapshots of a stage the job does not have (renamed, removed) are refused, naming the uid")
    func orphanStateIsRefused() async throws {
        let job = try Job("resume") {
            Source(Array(0..<10)).uid("numbers")
            Sink(.collect(into: CollectedRecords<Int>()))
        }
        let stored = OperatorSnapshot(operatorID: "old-numbers", checkpointID: 7, maxParallelism: KeyGroup.defaultMaxParallelism,
                                      splits: [SourceSplit(index: 0, splitCount: 1, position: 3)])
        let run = JobExecution(plan: job.plan, backend: BackendKind.sync.defaultBackend, processingTime: nil, restoring: ["old-numbers": [stored]])
        await #expect { _ = try await run.run() } throws: { error in
            let error = error as? FlowError
            return error?.code == .stateRestoreFailed && error?.message.contains("uid 'old-numbers', which the job does not have") == true
        }
    }

    @Test("Empty snapshots of a stage the job no longer has (a stateless stage whose derived uid changed) lose nothing and are let through")
    func emptyOrphanIsAllowed() async throws {
        let results = CollectedRecords<Int>()
        let job = try Job("resume") {
            Source(Array(0..<10)).uid("numbers")
            Sink(.collect(into: results))
        }
        let empty = OperatorSnapshot(operatorID: "an-old-map", checkpointID: 7, maxParallelism: KeyGroup.defaultMaxParallelism)
        let run = JobExecution(plan: job.plan, backend: BackendKind.sync.defaultBackend, processingTime: nil, restoring: ["an-old-map": [empty]])
        _ = try await run.run()
        #expect(results.records == Array(0..<10))
    }

    @Test("Splits that disagree on their count fail the run before it starts, naming the problem")
    func inconsistentSplitsFail() async throws {
        let results = CollectedRecords<Int>()
        let job = try Job("resume") {
            Source(Array(0..<10)).uid("numbers")
            Sink(.collect(into: results))
        }
        let stored = OperatorSnapshot(operatorID: "numbers", checkpointID: 7, maxParallelism: KeyGroup.defaultMaxParallelism,
                                      splits: [SourceSplit(index: 0, splitCount: 2, position: 0), SourceSplit(index: 1, splitCount: 3, position: 0)])
        let run = JobExecution(plan: job.plan, backend: BackendKind.sync.defaultBackend, processingTime: nil, restoring: ["numbers": [stored]])
        await #expect { _ = try await run.run() } throws: { error in
            let error = error as? FlowError
            return error?.code == .stateRestoreFailed && error?.message.contains("disagree on how many splits") == true
        }
        #expect(results.records.isEmpty)
    }
}
