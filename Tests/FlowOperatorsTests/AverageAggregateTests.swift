import FlowCore
import FlowOperators
import Testing

@Suite struct AverageAggregateTests {
    @Test("the mean; 0 when empty; merge combines sums and counts (not means)")
    func averageAndMerge() throws {
        let average = AverageAggregate { (value: Int) in Double(value) }
        #expect(average.result(of: average.makeAccumulator()) == 0)
        #expect(average.result(of: try fold(average, [1, 2, 6])) == 3)
        // Means of the halves are 1 and 4; the mean of the whole is 13/4, not 2.5.
        let (merged, whole) = try mergeMatchesWhole(average, [1], [2, 4, 6])
        #expect(merged == 13.0 / 4)
        #expect(whole == 13.0 / 4)
    }
}
