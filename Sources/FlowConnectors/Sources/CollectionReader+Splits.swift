public import FlowCore

extension CollectionReader {
    /// The records of split `index` of `count`: a contiguous slice, `base.count × index / count`
    /// up to the next split's start.
    @usableFromInline
    func bounds(ofSplit index: Int, of count: Int) -> Range<Int> {
        let total = base.count
        return (total * index / count)..<(total * (index + 1) / count)
    }

    /// Positions `position` and `end` on the current split (or at the end, if none is left).
    @usableFromInline
    mutating func enterCurrentSplit() {
        guard let split = splits.currentSplit else {
            position = base.endIndex
            end = base.endIndex
            splitStart = base.endIndex
            return
        }
        let bounds = bounds(ofSplit: split.index, of: split.splitCount)
        splitStart = base.index(base.startIndex, offsetBy: bounds.lowerBound)
        position = base.index(splitStart, offsetBy: Int(split.position))
        end = base.index(base.startIndex, offsetBy: bounds.upperBound)
    }

    /// The status after a read that reached the current split's end: the next split, if any.
    @inlinable @inline(never)
    mutating func nextSplitStatus() -> SourceStatus {
        let read = Int64(base.distance(from: splitStart, to: position))
        guard splits.finishCurrent(at: read) else { return .finished }
        enterCurrentSplit()
        return .more
    }

    /// Always: a position is a count of records into the collection.
    public var isReplayable: Bool { true }

    /// Every split the reader owns and how many of its records were read.
    ///
    /// - Complexity: O(1) for a random-access collection, O(records of the current split) otherwise.
    public func snapshotSplits(checkpoint: Int64) async throws -> [SourceSplit] {
        let current = splits.currentSplit.map { _ in Int64(base.distance(from: splitStart, to: position)) }
        return splits.snapshot(currentAt: current)
    }

    /// Reads `splits` (of a snapshot taken at any parallelism) instead of the instance's share.
    public mutating func restoreSplits(_ splits: [SourceSplit]) throws {
        try _SplitQueue.validate(splits, reader: "the collection source") { index, count in Int64(bounds(ofSplit: index, of: count).count) }
        var queue = _SplitQueue()
        queue.restore(splits) { split in split.position == Int64(bounds(ofSplit: split.index, of: split.splitCount).count) }
        self.splits = queue
    }
}
