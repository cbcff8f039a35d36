import FlowCore
import FlowOperators
import Testing

@Suite struct MaxAggregateTests {
    @Test("the largest value; nil when empty; merge keeps the larger and ignores an empty side")
    func maxAndMerge() throws {
        let maximum = MaxAggregate { (value: Int) in value }
        #expect(maximum.result(of: maximum.makeAccumulator()) == nil)
        #expect(maximum.result(of: try fold(maximum, [-3, -9, -4])) == -3)
        let (merged, whole) = try mergeMatchesWhole(maximum, [1, 8], [7, 2])
        #expect(merged == 8)
        #expect(whole == 8)
        let (leftEmpty, _) = try mergeMatchesWhole(maximum, [], [5])
        #expect(leftEmpty == 5)
        let (rightEmpty, _) = try mergeMatchesWhole(maximum, [5], [])
        #expect(rightEmpty == 5)
    }
}
