import FlowCore
import FlowOperators
import Testing

@Suite struct SumAggregateTests {
    @Test("sums the values; zero when empty; merge adds sums")
    func sumAndMerge() throws {
        let sum = SumAggregate { (value: Int) in value * 2 }
        #expect(sum.result(of: sum.makeAccumulator()) == 0)
        #expect(sum.result(of: try fold(sum, [1, 2, 3])) == 12)
        let (merged, whole) = try mergeMatchesWhole(sum, [1, -5], [10, 4])
        #expect(merged == 20)
        #expect(whole == 20)
        let doubles = SumAggregate { (value: Double) in value }
        #expect(doubles.result(of: try fold(doubles, [0.5, 0.25])) == 0.75)
    }
}
