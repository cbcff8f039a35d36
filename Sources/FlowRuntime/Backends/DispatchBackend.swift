public import FlowCore

/// Runs each task instance on a thread of its own: the throughput backend.
///
/// A task instance keeps its thread for the whole run and parks it (``TaskSignal``) when it has
/// no input or no credit; the bridge on the other end wakes it. Async work inside a task (a sink
/// that awaits) runs on the same thread, through a task executor. Threads end and are joined
/// before the job's `run()` returns, whether it finished, failed or was cancelled.
public struct DispatchBackend: ExecutionBackend {
    public var kind: BackendKind { .dispatch }

    public init() {}
}
