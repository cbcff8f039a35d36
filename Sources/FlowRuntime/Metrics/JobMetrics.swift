import FlowGraph

/// Counts of one stage, summed over its parallel instances.
public struct StageMetrics: Sendable, Hashable, CustomStringConvertible {
    /// The stage's stable operator id.
    public var uid: String
    /// The stage's kind.
    public var kind: String
    /// The stage's display name.
    public var name: String
    /// The task the stage runs in.
    public var task: Int
    /// Parallel instances.
    public var parallelism: Int
    /// Records received, all instances.
    public var recordsIn: Int
    /// Records emitted, all instances.
    public var recordsOut: Int

    public var description: String { "\(kind) '\(name)': in \(recordsIn), out \(recordsOut)" }
}

/// A snapshot of a job's counters.
public struct JobMetrics: Sendable, CustomStringConvertible {
    /// One entry per stage, in plan order.
    public var stages: [StageMetrics]

    /// The stage with this name (the first, if several share it).
    public subscript(name name: String) -> StageMetrics? { stages.first { $0.name == name } }

    /// The stage with this uid.
    public subscript(uid uid: String) -> StageMetrics? { stages.first { $0.uid == uid } }

    public var description: String { stages.map(\.description).joined(separator: "\n") }
}

/// The counters of every stage instance of a running job.
///
/// ## Concurrency
/// Immutable after creation; the counters are atomics, so any thread may snapshot.
public final class MetricsRegistry: Sendable {
    let plan: PhysicalPlan
    /// counters[task][subtask][stage]
    let counters: [[[StageCounters]]]

    init(plan: PhysicalPlan) {
        self.plan = plan
        counters = plan.tasks.map { task in
            (0..<task.parallelism).map { _ in task.stages.map { _ in StageCounters() } }
        }
    }

    /// Counts now, summed over instances.
    public func snapshot() -> JobMetrics {
        var stages: [StageMetrics] = []
        for task in plan.tasks {
            for (index, stage) in task.stages.enumerated() {
                let instances = counters[task.id].map { $0[index] }
                stages.append(StageMetrics(uid: stage.uid, kind: stage.kind, name: stage.name, task: task.id,
                                           parallelism: task.parallelism,
                                           recordsIn: instances.reduce(0) { $0 + $1.recordsIn },
                                           recordsOut: instances.reduce(0) { $0 + $1.recordsOut }))
            }
        }
        return JobMetrics(stages: stages)
    }
}
