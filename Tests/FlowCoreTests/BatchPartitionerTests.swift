import FlowCore
import Testing

private struct KeyError: Error, Equatable {
    var value: Int
}

@Suite struct BatchPartitionerTests {
    @Test(
        "every record goes to the channel that owns its key group, with its timestamp, in input order",
        arguments: [(1, 128), (4, 128), (3, 10), (7, 128), (128, 128)])
    func partitionsByKeyGroup(parallelism: Int, maxParallelism: Int) throws {
        let partitioner = BatchPartitioner<Int> { $0 % 50 }
        var input = Batch<Int>()
        for value in 0..<500 { input.append(value, at: EventTime(milliseconds: Int64(1000 + value))) }
        var channels = [Batch<Int>](repeating: Batch(), count: parallelism)

        try partitioner.partition(&input, into: &channels, maxParallelism: maxParallelism)

        #expect(input.isEmpty)
        #expect(channels.map(\.count).reduce(0, +) == 500)
        for (channel, batch) in channels.enumerated() {
            let range = KeyGroupRange(subtask: channel, parallelism: parallelism, maxParallelism: maxParallelism)
            var previous = -1
            for index in 0..<batch.count {
                let (record, timestamp) = batch[index]
                let group = KeyGroup(of: record % 50, maxParallelism: maxParallelism)
                #expect(group.owner(parallelism: parallelism, maxParallelism: maxParallelism) == channel)
                #expect(range.contains(group))
                #expect(timestamp == EventTime(milliseconds: Int64(1000 + record)))
                #expect(record > previous)
                previous = record
            }
        }
    }

    @Test("records with equal keys all land in one channel")
    func equalKeysTogether() throws {
        let partitioner = BatchPartitioner<String> { String($0.prefix(1)) }
        var input = Batch(["apple", "avocado", "banana", "blueberry", "cherry", "apricot"])
        var channels = [Batch<String>](repeating: Batch(), count: 3)
        try partitioner.partition(&input, into: &channels, maxParallelism: 128)
        for letter in ["a", "b", "c"] {
            let holding = channels.filter { $0.records.contains { $0.hasPrefix(letter) } }
            #expect(holding.count == 1, "key \(letter)")
        }
    }

    @Test("an empty input leaves the channels untouched")
    func emptyInput() throws {
        let partitioner = BatchPartitioner<Int> { $0 }
        var input = Batch<Int>()
        var channels = [Batch([7]), Batch<Int>()]
        try partitioner.partition(&input, into: &channels, maxParallelism: 128)
        #expect(Array(channels[0].records) == [7])
        #expect(channels[1].isEmpty)
    }

    @Test("records are appended after what the channels already hold")
    func appendsToChannels() throws {
        let partitioner = BatchPartitioner<Int> { $0 }
        var input = Batch([1, 2, 3])
        var channels = [Batch([-100])]
        try partitioner.partition(&input, into: &channels, maxParallelism: 128)
        #expect(Array(channels[0].records) == [-100, 1, 2, 3])
    }

    @Test(
        "a throwing key selector raises RecordFailure naming the record's index, the record and the error",
        arguments: [0, 3, 9])
    func throwingKeySelector(failingIndex: Int) {
        let partitioner = BatchPartitioner<Int> { value in
            if value == 100 + failingIndex { throw KeyError(value: value) }
            return value
        }
        var input = Batch(100..<110)
        var channels = [Batch<Int>](repeating: Batch(), count: 2)
        let failure = #expect(throws: RecordFailure.self) {
            try partitioner.partition(&input, into: &channels, maxParallelism: 128)
        }
        #expect(failure?.recordIndex == failingIndex)
        #expect(failure?.stage == 0)
        #expect(failure?.record == "\(100 + failingIndex)")
        #expect(failure?.origin == .keySelector)
        #expect(failure?.underlying as? KeyError == KeyError(value: 100 + failingIndex))
    }
}
