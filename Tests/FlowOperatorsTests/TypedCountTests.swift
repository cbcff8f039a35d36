import FlowCore
import FlowOperators
import Testing

@Suite struct TypedCountTests {
    @Test("counts records of any type; merge adds counts")
    func countAndMerge() throws {
        let count = TypedCount<String>()
        #expect(count.result(of: count.makeAccumulator()) == 0)
        #expect(count.result(of: try fold(count, ["a", "b", "a"])) == 3)
        let (merged, whole) = try mergeMatchesWhole(count, ["x", "y"], ["z"])
        #expect(merged == 3)
        #expect(whole == 3)
    }
}
