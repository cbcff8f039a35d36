/// What one operator instance stored for one checkpoint: its keyed state and timers (cut by key
/// group), and, for a source, its splits and positions.
///
/// A restore hands an instance the snapshots of its operator's old instances merged and cut to
/// what it now owns (``assigned(to:of:maxParallelism:)``), so a job may resume at another
/// parallelism.
public struct OperatorSnapshot: Sendable {
    /// The uid of the stage whose instance stored it.
    public var operatorID: String
    /// The checkpoint it belongs to.
    public var checkpointID: Int64
    /// Keyed state and timers, per key group.
    public var keyed: KeyedStateSnapshot
    /// A source's splits and how far each was read (empty for other operators).
    public var splits: [SourceSplit]

    public init(operatorID: String, checkpointID: Int64, maxParallelism: Int, splits: [SourceSplit] = []) {
        self.operatorID = operatorID
        self.checkpointID = checkpointID
        keyed = KeyedStateSnapshot(operatorID: operatorID, checkpointID: checkpointID, maxParallelism: maxParallelism)
        self.splits = splits
    }

    /// The part of `snapshots` (every old instance's, for one operator and checkpoint) that
    /// instance `subtask` of `parallelism` resumes from: the key groups it owns and its share of
    /// the splits.
    ///
    /// - Throws: ``FlowError`` (``FlowError/Code/stateRestoreFailed``) if the snapshots belong to
    ///   different operators or checkpoints, overlap in key groups, or hold inconsistent splits.
    public static func assigned(_ snapshots: [OperatorSnapshot], to subtask: Int, of parallelism: Int, maxParallelism: Int) throws -> OperatorSnapshot? {
        guard let first = snapshots.first else { return nil }
        for snapshot in snapshots where snapshot.operatorID != first.operatorID || snapshot.checkpointID != first.checkpointID {
            throw FlowError(
                .stateRestoreFailed,
                "the snapshots to restore from mix operator '\(first.operatorID)' checkpoint \(first.checkpointID) with operator '\(snapshot.operatorID)' checkpoint \(snapshot.checkpointID)",
                stageID: first.operatorID, subtask: subtask)
        }
        let splits = snapshots.flatMap(\.splits)
        try SourceSplit.validate(splits, stageName: first.operatorID, complete: true)
        let range = KeyGroupRange(subtask: subtask, parallelism: parallelism, maxParallelism: maxParallelism)
        var result = OperatorSnapshot(
            operatorID: first.operatorID, checkpointID: first.checkpointID, maxParallelism: maxParallelism,
            splits: SourceSplit.assigned(splits, to: subtask, of: parallelism))
        result.keyed = try KeyedStateSnapshot.merging(snapshots.map(\.keyed)).restricted(to: range)
        return result
    }
}
