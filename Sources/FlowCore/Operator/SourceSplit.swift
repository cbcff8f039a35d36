/// One split of a source's input and how far it has been read: the unit in which a source's
/// position is stored in a snapshot and handed out again on restore.
///
/// A source cuts its input into `splitCount` splits when it first runs (one per parallel
/// instance, for the built-in sources), independently of how many instances later read them: a
/// restore at another parallelism deals the stored splits out again
/// (``assigned(to:of:)``), so every split is read by exactly one instance, from where it stopped.
public struct SourceSplit: Hashable, Sendable, CustomStringConvertible {
    /// The split's index, `0..<splitCount`.
    public var index: Int
    /// How many splits the source's input was cut into.
    public var splitCount: Int
    /// How many records of the split have been read.
    public var position: Int64

    public init(index: Int, splitCount: Int, position: Int64) {
        precondition(splitCount >= 1 && index >= 0 && index < splitCount, "SourceSplit: index \(index) outside 0..<\(splitCount)")
        precondition(position >= 0, "SourceSplit: position \(position) is negative")
        self.index = index
        self.splitCount = splitCount
        self.position = position
    }

    /// The splits instance `subtask` of `parallelism` reads out of `splits` (all of a source's
    /// stored splits): split `k` goes to instance `k mod parallelism`, in index order.
    ///
    /// - Complexity: O(splits.count).
    public static func assigned(_ splits: [SourceSplit], to subtask: Int, of parallelism: Int) -> [SourceSplit] {
        precondition(parallelism >= 1 && subtask >= 0 && subtask < parallelism, "SourceSplit: subtask \(subtask) outside 0..<\(parallelism)")
        return splits.filter { $0.index % parallelism == subtask }.sorted { $0.index < $1.index }
    }

    /// Checks that `splits` (a source's stored splits) are consistent: one split count, each index
    /// once, and, if `complete` (every instance's splits), every index present. A snapshot that
    /// fails this is refused on restore.
    ///
    /// - Throws: ``FlowError`` with code ``FlowError/Code/stateRestoreFailed`` naming the stage and
    ///   the first inconsistency.
    public static func validate(_ splits: [SourceSplit], stageName: String, complete: Bool = false) throws {
        guard let count = splits.first?.splitCount else { return }
        var seen = [Bool](repeating: false, count: count)
        for split in splits {
            guard split.index >= 0, split.index < split.splitCount, split.position >= 0 else {
                throw FlowError(.stateRestoreFailed, "a stored split of the source is malformed (\(split))", stageName: stageName)
            }
            guard split.splitCount == count else {
                throw FlowError(
                    .stateRestoreFailed, "the stored splits of the source disagree on how many splits there are (\(count) and \(split.splitCount))",
                    stageName: stageName)
            }
            guard !seen[split.index] else {
                throw FlowError(.stateRestoreFailed, "the stored splits of the source hold split \(split.index) twice", stageName: stageName)
            }
            seen[split.index] = true
        }
        if complete, let missing = seen.firstIndex(of: false) {
            throw FlowError(
                .stateRestoreFailed,
                "the stored splits of the source lack split \(missing) of \(count) (a snapshot of one of its instances is missing): its records would be lost",
                stageName: stageName)
        }
    }

    public var description: String { "split \(index)/\(splitCount) at \(position)" }
}
