public import FlowCore

extension GeneratorReader {
    /// The sequence numbers of split `index` of `count`: `index`, `index + count`, … (below the
    /// generator's count, if it has one).
    @usableFromInline
    func length(ofSplit index: Int, of splitCount: Int) -> Int64? {
        guard let count else { return nil }
        let first = Int64(index)
        return first >= count ? 0 : (count - first - 1) / Int64(splitCount) + 1
    }

    /// Sets `next` and `stride` for the current split (or past the end, if none is left).
    @usableFromInline
    mutating func enterCurrentSplit() {
        guard let split = splits.currentSplit else {
            next = count ?? .max
            return
        }
        stride = Int64(split.splitCount)
        next = Int64(split.index) &+ split.position &* stride
    }

    /// Records of the current split made so far.
    @usableFromInline
    var currentSplitPosition: Int64? {
        splits.currentSplit.map { (next - Int64($0.index)) / stride }
    }

    /// The status after a read that reached the current split's end: the next split, if any.
    @inlinable @inline(never)
    mutating func nextSplitStatus() -> SourceStatus {
        guard splits.finishCurrent(at: currentSplitPosition ?? 0) else { return .finished }
        enterCurrentSplit()
        return .more
    }

    /// Moves to the next split after a read (round robin over several owned splits).
    @inlinable @inline(never)
    mutating func rotateSplit() {
        splits.rotate(leavingAt: currentSplitPosition ?? 0)
        enterCurrentSplit()
    }

    /// Always: a position is a count of records into the generated sequence.
    public var isReplayable: Bool { true }

    /// Every split the reader owns and how many of its records were made.
    public func snapshotSplits(checkpoint: Int64) async throws -> [SourceSplit] {
        splits.snapshot(currentAt: currentSplitPosition)
    }

    /// Makes the records of `splits` (of a snapshot taken at any parallelism) instead of the
    /// instance's share.
    public mutating func restoreSplits(_ splits: [SourceSplit]) throws {
        try _SplitQueue.validate(splits, reader: "the generator source") { index, count in length(ofSplit: index, of: count) }
        var queue = _SplitQueue()
        queue.restore(splits) { split in length(ofSplit: split.index, of: split.splitCount).map { split.position == $0 } ?? false }
        self.splits = queue
    }
}
