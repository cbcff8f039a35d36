public import FlowCore

/// The splits one reader owns and which it is reading: what the built-in readers share to store
/// and resume their positions. Not API.
///
/// A fresh reader owns one split (its instance's share); a restored one owns the splits it was
/// given, in index order, and reads them in turn. A split read to the end stays in the list (a
/// snapshot then says it is done, so no instance reads it again).
///
/// ## Concurrency
/// A value inside its reader, confined to the reader's task.
@usableFromInline
struct _SplitQueue: Sendable {
    /// The splits owned, in index order; `list[current]` is being read. Positions are as of when
    /// the reader last left each split (the reader knows the current one's).
    @usableFromInline var list: [SourceSplit] = []
    /// Which splits were read to the end.
    @usableFromInline var done: [Bool] = []
    @usableFromInline var current = 0
    /// Whether the splits came from a snapshot (``start(fresh:)`` then keeps them).
    @usableFromInline var restored = false

    @usableFromInline init() {}

    /// The number of splits owned.
    @usableFromInline var owned: Int { list.count }

    /// How many splits the source's input is cut into.
    @usableFromInline var splitCount: Int { list.first?.splitCount ?? 1 }

    /// Whether the reader owns more than one split still to read.
    @inlinable var hasMoreThanOne: Bool { list.count > 1 }

    /// The split being read, if any is left.
    @inlinable var currentSplit: SourceSplit? { current < list.count && !done[current] ? list[current] : nil }

    /// On open: owns `split` alone, unless the reader was restored.
    @usableFromInline
    mutating func start(fresh split: SourceSplit) {
        guard !restored else { return }
        list = [split]
        done = [false]
        current = 0
    }

    /// Owns `splits` (validated by the caller), read in index order.
    mutating func restore(_ splits: [SourceSplit], isDone: (SourceSplit) -> Bool) {
        list = splits.sorted { $0.index < $1.index }
        done = list.map(isDone)
        current = done.firstIndex(of: false) ?? list.count
        restored = true
    }

    /// Records that the current split is read to `position`, its end, and moves to the next split
    /// not yet done; returns whether there is one.
    @usableFromInline
    mutating func finishCurrent(at position: Int64) -> Bool {
        if current < list.count {
            list[current].position = position
            done[current] = true
        }
        return moveToNext()
    }

    /// Records that the current split is read to `position` and moves to the next split not yet
    /// done (possibly the same one): round robin, so an unbounded split does not starve the rest.
    @usableFromInline
    mutating func rotate(leavingAt position: Int64) {
        list[current].position = position
        _ = moveToNext()
        if current == list.count, let first = done.firstIndex(of: false) { current = first }
    }

    private mutating func moveToNext() -> Bool {
        let count = list.count
        for step in 1...Swift.max(1, count) {
            let index = (current + step) % Swift.max(1, count)
            if index < count && !done[index] {
                current = index
                return true
            }
        }
        current = count
        return false
    }

    /// Every owned split, the current one at `position`: what a snapshot stores.
    func snapshot(currentAt position: Int64?) -> [SourceSplit] {
        var splits = list
        if let position, current < splits.count { splits[current].position = position }
        return splits
    }

    /// Checks `splits` against a source that cuts its input into splits of `length(index, count)`
    /// records: one split count, each index once, no position past its split's end.
    static func validate(_ splits: [SourceSplit], reader: String, length: (Int, Int) -> Int64?) throws {
        try SourceSplit.validate(splits, stageName: reader)
        for split in splits {
            if let length = length(split.index, split.splitCount), split.position > length {
                throw FlowError(
                    .stateRestoreFailed,
                    "\(reader): the stored position \(split.position) of split \(split.index)/\(split.splitCount) is past its end (\(length) records)")
            }
        }
    }
}
