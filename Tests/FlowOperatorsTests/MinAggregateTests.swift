import FlowCore
import FlowOperators
import Testing

@Suite struct MinAggregateTests {
    @Test("the smallest value; nil when empty; merge keeps the smaller and ignores an empty side")
    func minAndMerge() throws {
        let minimum = MinAggregate { (text: String) in text.count }
        #expect(minimum.result(of: minimum.makeAccumulator()) == nil)
        #expect(minimum.result(of: try fold(minimum, ["abc", "a", "ab"])) == 1)
        let (merged, whole) = try mergeMatchesWhole(minimum, ["abcd", "abc"], ["ab", "abcde"])
        #expect(merged == 2)
        #expect(whole == 2)
        let (leftEmpty, _) = try mergeMatchesWhole(minimum, [], ["abc"])
        #expect(leftEmpty == 3)
        let (rightEmpty, _) = try mergeMatchesWhole(minimum, ["abc"], [])
        #expect(rightEmpty == 3)
        let (bothEmpty, _) = try mergeMatchesWhole(minimum, [], [])
        #expect(bothEmpty == nil)
    }

    @Test("works below zero")
    func negatives() throws {
        let minimum = MinAggregate { (value: Int) in value }
        #expect(minimum.result(of: try fold(minimum, [-1, -7, 3])) == -7)
    }
}
