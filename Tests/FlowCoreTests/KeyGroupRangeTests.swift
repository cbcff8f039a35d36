import FlowCore
import Testing

/// (parallelism, maxParallelism) pairs: every p for maxP = 128, and odd shapes.
private let shapes: [(Int, Int)] =
    (1...128).map { ($0, 128) } + [(1, 1), (3, 10), (7, 128), (128, 128), (5, 7), (2, 3), (9, 100), (13, 1000), (1, 32768), (100, 32768)]

@Suite struct KeyGroupRangeTests {
    @Test("subtask ranges are contiguous, disjoint and cover 0..<maxParallelism exactly", arguments: shapes)
    func rangesPartitionTheKeyGroups(parallelism: Int, maxParallelism: Int) {
        var next = 0
        for subtask in 0..<parallelism {
            let range = KeyGroupRange(subtask: subtask, parallelism: parallelism, maxParallelism: maxParallelism)
            #expect(range.lowerBound == next, "subtask \(subtask)")
            #expect(range.upperBound >= range.lowerBound)
            #expect(range.count == range.upperBound - range.lowerBound)
            next = range.upperBound
        }
        #expect(next == maxParallelism)
    }

    @Test("range(subtask: s).contains(g) exactly when g's owner is s", arguments: shapes)
    func rangesAgreeWithOwner(parallelism: Int, maxParallelism: Int) {
        let ranges = (0..<parallelism).map {
            KeyGroupRange(subtask: $0, parallelism: parallelism, maxParallelism: maxParallelism)
        }
        let groups = maxParallelism <= 1000 ? Array(0..<maxParallelism) : Array(stride(from: 0, to: maxParallelism, by: 97)) + [maxParallelism - 1]
        for index in groups {
            let group = KeyGroup(index)
            let owner = group.owner(parallelism: parallelism, maxParallelism: maxParallelism)
            for subtask in 0..<parallelism where ranges[subtask].contains(group) != (owner == subtask) {
                Issue.record("group \(index): owner \(owner), contained by subtask \(subtask)'s \(ranges[subtask])")
            }
        }
    }

    @Test("ranges are balanced: sizes differ by at most one", arguments: shapes)
    func rangesAreBalanced(parallelism: Int, maxParallelism: Int) {
        let sizes = (0..<parallelism).map {
            KeyGroupRange(subtask: $0, parallelism: parallelism, maxParallelism: maxParallelism).count
        }
        #expect(sizes.max()! - sizes.min()! <= 1)
        #expect(sizes.min()! >= 1)
    }

    @Test(
        "examples",
        arguments: [
            (0, 4, 128, 0, 32), (3, 4, 128, 96, 128),
            (0, 3, 10, 0, 4), (1, 3, 10, 4, 7), (2, 3, 10, 7, 10),
            (0, 1, 128, 0, 128), (127, 128, 128, 127, 128),
        ])
    func examples(subtask: Int, parallelism: Int, maxParallelism: Int, lower: Int, upper: Int) {
        let range = KeyGroupRange(subtask: subtask, parallelism: parallelism, maxParallelism: maxParallelism)
        #expect(range == KeyGroupRange(lowerBound: lower, upperBound: upper))
    }

    @Test("contains is half-open")
    func containsIsHalfOpen() {
        let range = KeyGroupRange(lowerBound: 4, upperBound: 7)
        #expect(!range.contains(KeyGroup(3)))
        #expect(range.contains(KeyGroup(4)))
        #expect(range.contains(KeyGroup(6)))
        #expect(!range.contains(KeyGroup(7)))
        #expect(range.count == 3)
        #expect(range.description == "KeyGroups[4..<7]")
        #expect(KeyGroupRange(lowerBound: 5, upperBound: 5).count == 0)
    }

    @Test("parallelism above maxParallelism is a precondition failure")
    func parallelismAboveMaxTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = KeyGroupRange(subtask: 0, parallelism: 129, maxParallelism: 128)
        }
    }

    @Test("a subtask outside 0..<parallelism is a precondition failure")
    func subtaskOutOfRangeTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = KeyGroupRange(subtask: 4, parallelism: 4, maxParallelism: 128)
        }
    }

    @Test("lowerBound above upperBound is a precondition failure")
    func invertedBoundsTrap() async {
        await #expect(processExitsWith: .failure) {
            _ = KeyGroupRange(lowerBound: 3, upperBound: 2)
        }
    }
}
