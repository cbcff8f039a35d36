import FlowCore
import FlowOperators
import Testing

@Suite struct TagTests {
    @Test("TagAsFirst and TagAsSecond wrap records in their side's case, keeping timestamps")
    func tags() throws {
        let first = try runChain(MapWith(TagAsFirst<Int, String>()), stamped([1, 2]))
        #expect(Array(first.records) == [.first(1), .first(2)])
        #expect(first.timestamps.map(\.milliseconds) == [1, 2])
        let second = try runChain(MapWith(TagAsSecond<Int, String>()), Batch(["a"]))
        #expect(Array(second.records) == [.second("a")])
    }
}
