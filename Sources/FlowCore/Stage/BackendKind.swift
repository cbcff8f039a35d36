/// Where a task runs. Each backend runs tasks its own way; bridges between tasks speak the same
/// credit protocol whatever the backends on their two ends.
public struct BackendKind: Hashable, Sendable, CustomStringConvertible {
    /// The backend's name.
    public let name: String

    public init(name: String) { self.name = name }

    /// Run-to-completion on the caller's task, one step at a time, deterministic: the test
    /// backend, and with a seed the schedule controller.
    public static let sync = BackendKind(name: "sync")
    /// Each task instance on a thread of its own that parks when it has no input or no credit:
    /// the throughput backend.
    public static let dispatch = BackendKind(name: "dispatch")
    /// Each task instance a task on Swift concurrency that suspends instead of blocking: for
    /// sources and sinks that wait on I/O, and for embedding in async apps.
    public static let actor = BackendKind(name: "actor")

    public var description: String { name }
}
