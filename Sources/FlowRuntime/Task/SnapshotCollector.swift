package import FlowCore
import Synchronization

/// Where a run's tasks deliver the snapshots they take for a checkpoint: every operator's and
/// source's, per stage uid. The checkpoint issue's coordinator stores them durably and counts
/// acknowledgements; until then a run keeps them for ``JobExecution/snapshots(of:)``.
///
/// ## Concurrency
/// `Sendable`: tasks on any thread add; a lock guards the store.
package final class SnapshotCollector: Sendable {
    private let store = FlowMutex<[Int64: [String: [OperatorSnapshot]]]>([:])  // protected by its own lock

    package init() {}

    /// Adds one instance's snapshot.
    func add(_ snapshot: OperatorSnapshot) {
        store.withLock { $0[snapshot.checkpointID, default: [:]][snapshot.operatorID, default: []].append(snapshot) }
    }

    /// The snapshots of checkpoint `id` so far, per stage uid.
    package func snapshots(of id: Int64) -> [String: [OperatorSnapshot]] {
        store.withLock { $0[id] ?? [:] }
    }
}
