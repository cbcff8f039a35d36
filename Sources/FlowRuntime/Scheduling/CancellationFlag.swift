import Synchronization

/// A flag that asks a running job to stop.
public final class CancellationFlag: Sendable {
    private let value = Atomic<Bool>(false)
    public init() {}
    /// Asks the job to stop.
    public func cancel() { value.store(true, ordering: .releasing) }
    /// Whether stopping was asked.
    public var isCancelled: Bool { value.load(ordering: .acquiring) }
}
