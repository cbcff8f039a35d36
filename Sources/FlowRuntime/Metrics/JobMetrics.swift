import FlowCore
import FlowGraph
import Synchronization

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

/// What one task instance did: records through it and how it spent its time.
public struct TaskMetrics: Sendable, Hashable, CustomStringConvertible {
    /// The task's index in the plan.
    public var task: Int
    /// The instance.
    public var subtask: Int
    /// The task's stages, joined by arrows.
    public var name: String
    /// The backend the instance runs on.
    public var backend: String
    /// Records the instance read from its source or received from its input bridges.
    public var recordsIn: Int
    /// Records the instance sent to its output bridges or wrote to its sink.
    public var recordsOut: Int
    /// Time spent moving records.
    public var busy: Duration
    /// Time spent holding output without credit (Flink's "backpressured").
    public var backpressured: Duration
    /// Time spent waiting for input (or for a source to have records).
    public var idle: Duration

    /// The share of the instance's time spent backpressured, 0...1.
    public var backpressuredShare: Double { share(backpressured) }
    /// The share of the instance's time spent busy, 0...1.
    public var busyShare: Double { share(busy) }

    private func share(_ part: Duration) -> Double {
        let total = busy + backpressured + idle
        return total > .zero ? part / total : 0
    }

    public var description: String {
        let percent = { (value: Double) in "\(Int((value * 100).rounded()))%" }
        return
            "Task \(task) '\(name)' #\(subtask) [\(backend)]: in \(recordsIn), out \(recordsOut), busy \(percent(busyShare)), backpressured \(percent(backpressuredShare))"
    }
}

/// What one bridge (one sending instance to one receiving instance) carried and held.
public struct EdgeMetrics: Sendable, Hashable, CustomStringConvertible {
    /// The sending task and instance.
    public var from: Int
    public var fromSubtask: Int
    /// The receiving task and instance.
    public var to: Int
    public var toSubtask: Int
    /// The edge's partitioning ("forward", "hash(Int)", …).
    public var partitioning: String
    /// The bridge's slots (credits granted by the receiver).
    public var slots: Int
    /// Elements in flight now.
    public var depth: Int
    /// The most elements in flight a sender saw.
    public var maxDepth: Int
    /// Elements (batches and control elements) sent.
    public var elementsSent: Int
    /// Records sent.
    public var recordsSent: Int
    /// Times the sender ran out of credit.
    public var creditWaits: Int
    /// Bytes of records sent, as counted against the channel's byte budget (``ByteSized``).
    public var bytesSent: Int
    /// Bytes of records in flight now.
    public var bytesInFlight: Int
    /// The most bytes in flight a sender saw: at most the configuration's `channelByteBudget`,
    /// or the bridge's slots times the largest record where a record is larger than one batch's
    /// share of the budget (such a record travels alone).
    public var maxBytesInFlight: Int

    public var description: String {
        "Edge \(from)#\(fromSubtask) ─\(partitioning)─► \(to)#\(toSubtask): \(recordsSent) records in \(elementsSent) elements, depth \(depth)/\(slots) (max \(maxDepth)), \(creditWaits) credit waits, \(bytesSent) bytes (max \(maxBytesInFlight) in flight)"
    }
}

/// A snapshot of a job's counters.
public struct JobMetrics: Sendable, CustomStringConvertible {
    /// One entry per stage, in plan order.
    public var stages: [StageMetrics]
    /// One entry per task instance, in plan order.
    public var tasks: [TaskMetrics]
    /// One entry per bridge, in plan order (empty until the job has started).
    public var edges: [EdgeMetrics]

    /// The stage with this name (the first, if several share it).
    public subscript(name name: String) -> StageMetrics? { stages.first { $0.name == name } }

    /// The stage with this uid.
    public subscript(uid uid: String) -> StageMetrics? { stages.first { $0.uid == uid } }

    public var description: String {
        (stages.map(\.description) + tasks.map(\.description) + edges.map(\.description)).joined(separator: "\n")
    }
}

/// The counters of every stage instance of a running job.
///
/// ## Concurrency
/// Immutable after creation; the counters are atomics, so any thread may snapshot.
public final class MetricsRegistry: Sendable {
    let plan: PhysicalPlan
    /// counters[task][subtask][stage]
    let counters: [[[StageCounters]]]
    /// taskCounters[task][subtask]
    let taskCounters: [[TaskCounters]]
    private let bridges = FlowMutex<[(edge: Int, from: Int, to: Int, gauges: any BridgeGauges)]>([])  // protected by its own lock

    init(plan: PhysicalPlan) {
        self.plan = plan
        counters = plan.tasks.map { task in
            (0..<task.parallelism).map { _ in task.stages.map { _ in StageCounters() } }
        }
        let origin = ContinuousClock.now
        taskCounters = plan.tasks.map { task in (0..<task.parallelism).map { _ in TaskCounters(origin: origin) } }
    }

    /// Adds the bridge from instance `from` to instance `to` of plan edge `edge`.
    func register(edge: Int, from: Int, to: Int, gauges: any BridgeGauges) {
        bridges.withLock { $0.append((edge, from, to, gauges)) }
    }

    /// The gauges of every bridge registered so far.
    var bridgeGauges: [any BridgeGauges] { bridges.withLock { $0.map(\.gauges) } }

    /// Counts now, summed over instances.
    public func snapshot() -> JobMetrics {
        var stages: [StageMetrics] = []
        for task in plan.tasks {
            for (index, stage) in task.stages.enumerated() {
                let instances = counters[task.id].map { $0[index] }
                stages.append(
                    StageMetrics(
                        uid: stage.uid, kind: stage.kind, name: stage.name, task: task.id,
                        parallelism: task.parallelism,
                        recordsIn: instances.reduce(0) { $0 + $1.recordsIn },
                        recordsOut: instances.reduce(0) { $0 + $1.recordsOut }))
            }
        }
        var tasks: [TaskMetrics] = []
        for task in plan.tasks {
            let sourceHead: Bool = { if case .source = task.head { return true } else { return false } }()
            let sinkTail: Bool = { if case .sink = task.tail { return true } else { return false } }()
            for subtask in 0..<task.parallelism {
                let stageCounters = counters[task.id][subtask]
                let times = taskCounters[task.id][subtask].times()
                tasks.append(
                    TaskMetrics(
                        task: task.id, subtask: subtask, name: task.name, backend: task.backend.name,
                        recordsIn: sourceHead ? stageCounters[0].recordsOut : stageCounters[0].recordsIn,
                        recordsOut: sinkTail ? stageCounters[stageCounters.count - 1].recordsIn : stageCounters[stageCounters.count - 1].recordsOut,
                        busy: times.busy, backpressured: times.backpressured, idle: times.idle))
            }
        }
        let edges = bridges.withLock { bridges in
            bridges.map { bridge in
                let edge = plan.edges[bridge.edge]
                return EdgeMetrics(
                    from: edge.from, fromSubtask: bridge.from, to: edge.to, toSubtask: bridge.to,
                    partitioning: edge.partitioning.name, slots: bridge.gauges.slots, depth: bridge.gauges.depth,
                    maxDepth: bridge.gauges.maxDepth, elementsSent: bridge.gauges.elementsSent,
                    recordsSent: bridge.gauges.recordsSent, creditWaits: bridge.gauges.creditWaits,
                    bytesSent: bridge.gauges.bytesSent, bytesInFlight: bridge.gauges.bytesInFlight,
                    maxBytesInFlight: bridge.gauges.maxBytesInFlight)
            }
        }
        return JobMetrics(stages: stages, tasks: tasks, edges: edges)
    }
}
