public import FlowCore

/// Runs each task instance on a thread of its own: the throughput backend.
///
/// A task instance keeps its thread for the whole run and parks it (``TaskSignal``) when it has
/// no input or no credit; the bridge on the other end wakes it. Async work inside a task (a sink
/// that awaits) runs on the same thread, through a task executor. Threads end and are joined
/// before the job's `run()` returns, whether it finished, failed or was cancelled.
public struct DispatchBackend: ExecutionBackend {
    public var kind: BackendKind { .dispatch }

    /// How long a thread polls for input or credit before parking, when its previous wait was
    /// that short (``TaskSignal/wait(until:)``). Default 20 µs; `.zero` always parks at once
    /// (no CPU spent polling, a futex wake-up per hand-off instead).
    public var spinWindow: Duration

    public init(spinWindow: Duration = TaskSignal.defaultSpinWindow) {
        precondition(spinWindow >= .zero, "DispatchBackend: spinWindow must not be negative, got \(spinWindow)")
        self.spinWindow = spinWindow
    }
}
