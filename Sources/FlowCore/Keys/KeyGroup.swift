/// One of `maxParallelism` slices of the key space: the unit in which keyed state is owned,
/// snapshotted and moved when a job is restored at another parallelism.
///
/// A key maps to a key group by its stable hash; a key group maps to the parallel instance
/// ("subtask") that owns it by range, as in Flink:
///
/// ```
/// key ──stableHash──► mix ──mod maxParallelism──► key group ──× p / maxParallelism──► subtask
/// ```
@frozen
public struct KeyGroup: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The default number of key groups (the upper bound on a keyed stage's parallelism).
    public static let defaultMaxParallelism = 128

    /// The key group's index in `0..<maxParallelism`.
    public var index: Int

    @inlinable
    public init(_ index: Int) {
        self.index = index
    }

    /// The key group of a key.
    ///
    /// - Complexity: O(1) plus hashing the key.
    @inlinable
    public init<Key: StableHashable>(of key: Key, maxParallelism: Int) {
        self.init(hash: key.stableHashValue, maxParallelism: maxParallelism)
    }

    /// The key group of a key's stable hash.
    @inlinable
    public init(hash: UInt64, maxParallelism: Int) {
        index = Int(StableHasher.mix(hash) % UInt64(maxParallelism))
    }

    /// The subtask that owns this key group when `maxParallelism` key groups are spread over
    /// `parallelism` subtasks.
    @inlinable
    public func owner(parallelism: Int, maxParallelism: Int) -> Int {
        index * parallelism / maxParallelism
    }

    @inlinable
    public static func < (lhs: KeyGroup, rhs: KeyGroup) -> Bool { lhs.index < rhs.index }

    public var description: String { "KeyGroup(\(index))" }
}

/// The contiguous range of key groups one subtask owns.
public struct KeyGroupRange: Hashable, Sendable, CustomStringConvertible {
    /// The first key group owned.
    public var lowerBound: Int
    /// One past the last key group owned.
    public var upperBound: Int

    public init(lowerBound: Int, upperBound: Int) {
        precondition(lowerBound <= upperBound, "KeyGroupRange: \(lowerBound) > \(upperBound)")
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }

    /// The key groups owned by `subtask` of `parallelism` (Flink's
    /// `computeKeyGroupRangeForOperatorIndex`): exactly the groups whose
    /// ``KeyGroup/owner(parallelism:maxParallelism:)`` is `subtask`.
    public init(subtask: Int, parallelism: Int, maxParallelism: Int) {
        precondition(parallelism >= 1 && parallelism <= maxParallelism, "KeyGroupRange: parallelism \(parallelism) outside 1...\(maxParallelism)")
        precondition(subtask >= 0 && subtask < parallelism, "KeyGroupRange: subtask \(subtask) outside 0..<\(parallelism)")
        lowerBound = (subtask * maxParallelism + parallelism - 1) / parallelism
        upperBound = ((subtask + 1) * maxParallelism + parallelism - 1) / parallelism
    }

    /// The number of key groups in the range.
    public var count: Int { upperBound - lowerBound }

    /// Whether the range holds `group`.
    public func contains(_ group: KeyGroup) -> Bool { group.index >= lowerBound && group.index < upperBound }

    public var description: String { "KeyGroups[\(lowerBound)..<\(upperBound)]" }
}
