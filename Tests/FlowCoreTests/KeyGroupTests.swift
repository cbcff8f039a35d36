import FlowCore
import Testing

@Suite struct KeyGroupTests {
    @Test("init(of:maxParallelism:) lands in 0..<maxParallelism", arguments: [1, 2, 3, 10, 128, 1000, 32768])
    func keyGroupInRange(maxParallelism: Int) {
        for key in -500..<500 {
            let group = KeyGroup(of: key, maxParallelism: maxParallelism)
            #expect((0..<maxParallelism).contains(group.index))
        }
        for key in ["", "a", "flow", "hello, world"] {
            #expect((0..<maxParallelism).contains(KeyGroup(of: key, maxParallelism: maxParallelism).index))
        }
    }

    @Test("init(of:) is init(hash:) of the key's stable hash: mix, then modulo")
    func ofKeyIsHashThenMixModulo() {
        for key in 0..<200 {
            let hash = key.stableHashValue
            let expected = Int(StableHasher.mix(hash) % 128)
            #expect(KeyGroup(of: key, maxParallelism: 128) == KeyGroup(hash: hash, maxParallelism: 128))
            #expect(KeyGroup(of: key, maxParallelism: 128).index == expected)
        }
    }

    @Test("equal keys land in the same group; String and Substring agree")
    func equalKeysSameGroup() {
        let line = "x flow y"
        let word = line.split(separator: " ")[1]
        #expect(KeyGroup(of: word, maxParallelism: 128) == KeyGroup(of: "flow", maxParallelism: 128))
        #expect(KeyGroup(of: 0.0, maxParallelism: 128) == KeyGroup(of: -0.0, maxParallelism: 128))
    }

    @Test(
        "format pinning: key groups of fixed keys never move between versions",
        arguments: [
            (KeyGroup(of: 0, maxParallelism: 128), 70),
            (KeyGroup(of: 1, maxParallelism: 128), 46),
            (KeyGroup(of: 42, maxParallelism: 128), 126),
            (KeyGroup(of: -1, maxParallelism: 128), 114),
            (KeyGroup(of: "flow", maxParallelism: 128), 98),
            (KeyGroup(of: "hello, world", maxParallelism: 128), 55),
            (KeyGroup(of: 42, maxParallelism: 1000), 662),
            (KeyGroup(of: "flow", maxParallelism: 10), 8),
            (KeyGroup(of: "k0\u{E9}", maxParallelism: 128), 39),
            (KeyGroup(of: "k0e\u{301}", maxParallelism: 128), 39),
        ])
    func formatPinning(group: KeyGroup, expected: Int) {
        #expect(group.index == expected)
    }

    @Test(
        "owner(parallelism:maxParallelism:) is index * parallelism / maxParallelism",
        arguments: [
            (0, 4, 128, 0), (31, 4, 128, 0), (32, 4, 128, 1), (127, 4, 128, 3),
            (0, 3, 10, 0), (3, 3, 10, 0), (4, 3, 10, 1), (6, 3, 10, 1), (7, 3, 10, 2), (9, 3, 10, 2),
            (127, 1, 128, 0), (127, 128, 128, 127), (5, 128, 128, 5),
        ])
    func ownerFormula(index: Int, parallelism: Int, maxParallelism: Int, owner: Int) {
        #expect(KeyGroup(index).owner(parallelism: parallelism, maxParallelism: maxParallelism) == owner)
    }

    @Test("owner is always a valid subtask and never decreases with the group index")
    func ownerIsMonotoneAndInRange() {
        for maxParallelism in [1, 7, 10, 128] {
            for parallelism in 1...maxParallelism {
                var previous = 0
                for index in 0..<maxParallelism {
                    let owner = KeyGroup(index).owner(parallelism: parallelism, maxParallelism: maxParallelism)
                    #expect((0..<parallelism).contains(owner))
                    #expect(owner >= previous)
                    previous = owner
                }
            }
        }
    }

    @Test("10,000 int keys spread over all 128 key groups evenly (max/min < 3)")
    func distribution() {
        var counts = [Int](repeating: 0, count: 128)
        for key in 0..<10_000 { counts[KeyGroup(of: key, maxParallelism: 128).index] += 1 }
        let minimum = counts.min()!
        let maximum = counts.max()!
        #expect(minimum > 0)
        #expect(Double(maximum) / Double(minimum) < 3)
    }

    @Test("10,000 string keys spread over all 128 key groups evenly (max/min < 3)")
    func stringDistribution() {
        var counts = [Int](repeating: 0, count: 128)
        for key in 0..<10_000 { counts[KeyGroup(of: "user-\(key)", maxParallelism: 128).index] += 1 }
        let minimum = counts.min()!
        #expect(minimum > 0)
        #expect(Double(counts.max()!) / Double(minimum) < 3)
    }

    @Test("ordering and description follow the index")
    func orderingAndDescription() {
        #expect(KeyGroup(3) < KeyGroup(4))
        #expect(!(KeyGroup(4) < KeyGroup(4)))
        #expect(KeyGroup(7).description == "KeyGroup(7)")
        #expect(KeyGroup.defaultMaxParallelism == 128)
    }
}
