import Synchronization

/// Records in and out of one stage instance, readable from any thread while the job runs.
///
/// ## Concurrency
/// Written only by the task that runs the stage (once per batch); read by anyone. Relaxed
/// atomics: a snapshot is a consistent count per counter, not across counters.
public final class StageCounters: Sendable {
    private let recordsInValue = Atomic<Int>(0)
    private let recordsOutValue = Atomic<Int>(0)

    public init() {}

    /// Records the stage has received.
    public var recordsIn: Int { recordsInValue.load(ordering: .relaxed) }
    /// Records the stage has emitted.
    public var recordsOut: Int { recordsOutValue.load(ordering: .relaxed) }

    /// Adds `count` received records.
    @inlinable
    public func addIn(_ count: Int) { if count != 0 { addInValue(count) } }
    /// Adds `count` emitted records.
    @inlinable
    public func addOut(_ count: Int) { if count != 0 { addOutValue(count) } }
    /// Sets the emitted count (for stages inside a fused chain, whose counts the chain keeps).
    public func setOut(_ count: Int) { recordsOutValue.store(count, ordering: .relaxed) }
    /// Sets the received count.
    public func setIn(_ count: Int) { recordsInValue.store(count, ordering: .relaxed) }

    @usableFromInline func addInValue(_ count: Int) { recordsInValue.add(count, ordering: .relaxed) }
    @usableFromInline func addOutValue(_ count: Int) { recordsOutValue.add(count, ordering: .relaxed) }
}
