import FlowCore
import Synchronization

/// The steps a seeded sync scheduler took: which task, and what the step achieved.
///
/// Two runs of the same job with the same seed produce equal traces; print one to see the
/// interleaving that exposed a bug, and rerun with its seed to reproduce it.
///
/// ```swift
/// let trace = ScheduleTrace()
/// try await job.run(on: .sync(seed: 7, trace: trace))
/// print(trace)        // seed 7: 112 steps
///                     //    0 Task 0 'Source → Map' #0: progressed …
/// ```
///
/// ## Concurrency
/// `Sendable`; steps are appended by the scheduler and read by anyone, behind a lock.
public final class ScheduleTrace: Sendable, CustomStringConvertible {
    /// One scheduling step.
    public struct Step: Sendable, Hashable, CustomStringConvertible {
        /// The step's number, from 0.
        public var index: Int
        /// The task instance stepped ("Task 1 'Map' #0").
        public var task: String
        /// What the step achieved: "progressed", "no input", "no credit", "idle", "finished".
        public var outcome: String

        public var description: String { "\(index) \(task): \(outcome)" }
    }

    private struct State {
        var seed: UInt64?
        var steps: [Step] = []
        var total = 0
    }

    /// Steps kept; later steps are counted but not kept.
    public let limit: Int
    private let state = FlowMutex(State())  // protected by its own lock

    /// A trace that keeps the first `limit` steps (default 100 000).
    public init(limit: Int = 100_000) {
        self.limit = limit
    }

    /// The seed of the run that wrote the trace.
    public var seed: UInt64? { state.withLock { $0.seed } }
    /// The steps kept.
    public var steps: [Step] { state.withLock { $0.steps } }
    /// Every step taken, kept or not.
    public var stepCount: Int { state.withLock { $0.total } }

    func begin(seed: UInt64?) {
        state.withLock { $0 = State(seed: seed) }
    }

    func record(task: String, outcome: String) {
        state.withLock { state in
            if state.steps.count < limit { state.steps.append(Step(index: state.total, task: task, outcome: outcome)) }
            state.total += 1
        }
    }

    public var description: String {
        state.withLock { state in
            let header =
                "seed \(state.seed.map(String.init) ?? "none"): \(state.total) steps"
                + (state.total > state.steps.count ? " (first \(state.steps.count) kept)" : "")
            return ([header] + state.steps.map { "  \($0)" }).joined(separator: "\n")
        }
    }
}
