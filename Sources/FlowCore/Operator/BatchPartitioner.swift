/// Splits a batch over the channels of a key-partitioned (hash) or custom-partitioned edge.
///
/// Built where the record type is concrete (by `KeyBy`, `partitionCustom`), so the per-record key
/// extraction and hashing are specialized; the runtime calls it once per batch.
public struct BatchPartitioner<Element>: Sendable {
    /// Moves every record of the input into the batch of its channel, then empties the input.
    /// Arguments: input, per-channel outputs, max parallelism, the most records a channel's batch
    /// may hold, and what to call (with the outputs and the channel) when one reaches it.
    @usableFromInline let _partition:
        @Sendable (
            inout Batch<Element>, inout [Batch<Element>], Int, Int, (inout [Batch<Element>], Int) -> Void
        ) throws -> Void

    /// Creates a partitioner from a key selector.
    ///
    /// - Complexity: O(n) per batch: one key extraction, one stable hash per record.
    @inlinable
    public init<Key: StableHashable>(key: @escaping @Sendable (Element) throws -> Key) {
        _partition = { input, channels, maxParallelism, limit, whenFull in
            let parallelism = channels.count
            try Self.route(&input, into: &channels, limit: limit, whenFull: whenFull) { record, index in
                let keyValue: Key
                do {
                    keyValue = try key(record)
                } catch {
                    throw RecordFailure(stage: 0, recordIndex: index, record: FlowError.describe(record), origin: .keySelector, underlying: error)
                }
                return KeyGroup(of: keyValue, maxParallelism: maxParallelism).owner(parallelism: parallelism, maxParallelism: maxParallelism)
            }
        }
    }

    /// Creates a partitioner that asks `partition(record, channelCount)` for each record's channel
    /// (Flink's `partitionCustom`). An answer outside `0..<channelCount` fails the job with
    /// ``PartitionOutOfRange``, naming the record.
    ///
    /// - Complexity: O(n) per batch: one call of `partition` per record.
    @inlinable
    public init(custom partition: @escaping @Sendable (Element, Int) throws -> Int) {
        _partition = { input, channels, _, limit, whenFull in
            let count = channels.count
            try Self.route(&input, into: &channels, limit: limit, whenFull: whenFull) { record, index in
                let target: Int
                do {
                    target = try partition(record, count)
                } catch {
                    throw RecordFailure(stage: 0, recordIndex: index, record: FlowError.describe(record), underlying: error)
                }
                guard target >= 0 && target < count else {
                    throw RecordFailure(
                        stage: 0, recordIndex: index, record: FlowError.describe(record),
                        underlying: PartitionOutOfRange(partition: target, channelCount: count))
                }
                return target
            }
        }
    }

    /// The loop both partitioners share: `target` picks each record's channel; a channel batch
    /// that reaches `limit` records is handed to `whenFull` at once, so none grows past it.
    @inlinable
    static func route(
        _ input: inout Batch<Element>, into channels: inout [Batch<Element>], limit: Int,
        whenFull: (inout [Batch<Element>], Int) -> Void, target: (Element, Int) throws -> Int
    ) throws {
        try input.withUnsafeBuffers { records, timestamps in
            for index in records.indices {
                let record = records[index]
                let channel = try target(record, index)
                channels[channel].append(record, at: timestamps[index])
                if channels[channel].count >= limit { whenFull(&channels, channel) }
            }
        }
        input.removeAll(keepingCapacity: true)
    }

    /// Distributes `input` over `channels` (one per receiving subtask).
    @inlinable
    public func partition(_ input: inout Batch<Element>, into channels: inout [Batch<Element>], maxParallelism: Int) throws {
        try _partition(&input, &channels, maxParallelism, .max) { _, _ in }
    }

    /// Distributes `input` over `channels`, calling `whenFull(&channels, channel)` as soon as a
    /// channel's batch holds `limit` records (the caller sends it and leaves a fresh batch).
    ///
    /// - Complexity: O(n) per batch; `whenFull` is called once per `limit` records at most.
    @inlinable
    public func partition(
        _ input: inout Batch<Element>, into channels: inout [Batch<Element>], maxParallelism: Int,
        limit: Int, whenFull: (inout [Batch<Element>], Int) -> Void
    ) throws {
        try _partition(&input, &channels, maxParallelism, limit, whenFull)
    }
}

/// A custom partitioner chose a channel that does not exist.
public struct PartitionOutOfRange: Error, Sendable, Hashable, CustomStringConvertible {
    /// The channel the partitioner returned.
    public var partition: Int
    /// The number of channels (receiving instances).
    public var channelCount: Int

    public init(partition: Int, channelCount: Int) {
        self.partition = partition
        self.channelCount = channelCount
    }

    public var description: String { "the custom partitioner returned \(partition), outside 0..<\(channelCount)" }
}
