public import FlowCore

/// Runs each task instance as a task on Swift concurrency: it suspends, instead of blocking a
/// thread, when it has no input or no credit. For sources and sinks that wait on I/O, and for
/// embedding in async apps; tasks share the cooperative thread pool.
public struct ActorBackend: ExecutionBackend {
    public var kind: BackendKind { .actor }

    /// Steps a busy task runs between two voluntary suspensions (`Task.yield()`), so busy tasks
    /// share the pool fairly. Default 16.
    public var yieldInterval: Int

    public init(yieldInterval: Int = 16) {
        self.yieldInterval = Swift.max(1, yieldInterval)
    }
}
