public import FlowCore

/// Runs each task instance as a task on Swift concurrency: it suspends, instead of blocking a
/// thread, when it has no input or no credit. For sources and sinks that wait on I/O, and for
/// embedding in async apps; tasks share the cooperative thread pool.
///
/// A busy task suspends voluntarily (`Task.yield()`) once it has worked ``yieldPeriod`` since it
/// last did, however many steps that took, so that busy tasks (a source, say) share the pool's
/// threads with the tasks that consume their output. A step is itself kept short (its records are
/// paced to about half the flush timeout), so no task holds a thread much longer than that.
public struct ActorBackend: ExecutionBackend {
    public var kind: BackendKind { .actor }

    /// Work between two voluntary suspensions of a busy task. Default 1 ms, as the sync backend's
    /// (at least 1 µs).
    public var yieldPeriod: Duration

    /// An actor backend whose busy tasks suspend after each `yieldPeriod` of work.
    public init(yieldPeriod: Duration = .milliseconds(1)) {
        self.yieldPeriod = Swift.max(.microseconds(1), yieldPeriod)
    }
}
