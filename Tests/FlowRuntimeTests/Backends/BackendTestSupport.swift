import Flow
import Synchronization
import Testing

/// Runs `job` with every unplaced task on `kind`, through a JobExecution the test can inspect.
func execution(of job: Job, on kind: BackendKind) -> JobExecution {
    JobExecution(plan: job.plan, backend: kind.defaultBackend)
}

/// Every runner thread and task the run started has ended, and as many as the plan has
/// instances off the sync backend were started.
func expectNoRunnerLeft(_ execution: JobExecution, sourceLocation: SourceLocation = #_sourceLocation) {
    let report = execution.runnerReport
    let instances = { (kind: BackendKind) in
        execution.plan.tasks.filter { $0.backend == kind }.reduce(0) { $0 + $1.parallelism }
    }
    #expect(report.threadsStarted == instances(.dispatch), sourceLocation: sourceLocation)
    #expect(report.threadsJoined == report.threadsStarted, "threads left running", sourceLocation: sourceLocation)
    #expect(report.tasksStarted == instances(.actor), sourceLocation: sourceLocation)
    #expect(report.tasksEnded == report.tasksStarted, "tasks left running", sourceLocation: sourceLocation)
}

/// A count shared between a job's writers and the test.
final class SharedCount: Sendable {
    private let value = Atomic<Int>(0)
    func add(_ count: Int) { value.add(count, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}

/// A sink that takes `delay` per batch: a slow consumer.
struct SlowWriter: SinkWriter {
    let delay: Duration
    let written: SharedCount

    mutating func write(_ batch: inout Batch<Int64>) async throws {
        try await Task.sleep(for: delay)
        written.add(batch.count)
        batch.removeAll(keepingCapacity: true)
    }
}

/// Waits (polling) until `condition` holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return condition()
}
