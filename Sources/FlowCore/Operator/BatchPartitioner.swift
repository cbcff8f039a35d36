/// Splits a batch over the channels of a key-partitioned (hash) or custom-partitioned edge.
///
/// Built where the record type is concrete (by `KeyBy`, `partitionCustom`), so the per-record key
/// extraction and hashing are specialized; the runtime calls it once per batch.
public struct BatchPartitioner<Element>: Sendable {
    /// Moves every record of the input into the batch of the channel that owns its key group,
    /// then empties the input. Arguments: input, per-channel outputs, max parallelism.
    @usableFromInline let _partition: @Sendable (inout Batch<Element>, inout [Batch<Element>], Int) throws -> Void

    /// Creates a partitioner from a key selector.
    ///
    /// - Complexity: O(n) per batch: one key extraction, one stable hash per record.
    @inlinable
    public init<Key: StableHashable>(key: @escaping @Sendable (Element) throws -> Key) {
        _partition = { input, channels, maxParallelism in
            let parallelism = channels.count
            try input.withUnsafeBuffers { records, timestamps in
                for index in records.indices {
                    let record = records[index]
                    let keyValue: Key
                    do {
                        keyValue = try key(record)
                    } catch {
                        throw RecordFailure(stage: 0, recordIndex: index, record: FlowError.describe(record), underlying: error)
                    }
                    let group = KeyGroup(of: keyValue, maxParallelism: maxParallelism)
                    channels[group.owner(parallelism: parallelism, maxParallelism: maxParallelism)]
                        .append(record, at: timestamps[index])
                }
            }
            input.removeAll(keepingCapacity: true)
        }
    }

    /// Creates a partitioner that asks `partition(record, channelCount)` for each record's channel
    /// (Flink's `partitionCustom`). An answer outside `0..<channelCount` fails the job with
    /// ``PartitionOutOfRange``, naming the record.
    ///
    /// - Complexity: O(n) per batch: one call of `partition` per record.
    @inlinable
    public init(custom partition: @escaping @Sendable (Element, Int) throws -> Int) {
        _partition = { input, channels, _ in
            let count = channels.count
            try input.withUnsafeBuffers { records, timestamps in
                for index in records.indices {
                    let record = records[index]
                    let target: Int
                    do {
                        target = try partition(record, count)
                    } catch {
                        throw RecordFailure(stage: 0, recordIndex: index, record: FlowError.describe(record), underlying: error)
                    }
                    guard target >= 0 && target < count else {
                        throw RecordFailure(stage: 0, recordIndex: index, record: FlowError.describe(record),
                                            underlying: PartitionOutOfRange(partition: target, channelCount: count))
                    }
                    channels[target].append(record, at: timestamps[index])
                }
            }
            input.removeAll(keepingCapacity: true)
        }
    }

    /// Distributes `input` over `channels` (one per receiving subtask) by key group.
    @inlinable
    public func partition(_ input: inout Batch<Element>, into channels: inout [Batch<Element>], maxParallelism: Int) throws {
        try _partition(&input, &channels, maxParallelism)
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
