import FlowCore
import FlowOperators
import Testing

@Suite struct CoFlatMapTests {
    @Test("emits every element of each input's result, in order, with the input record's timestamp")
    func flattensEachSide() throws {
        let coFlatMap = CoFlatMap(
            first: { (line: String) in line.split(separator: " ").map(String.init) },
            second: { (count: Int) in Array(repeating: "#", count: count) })
        let output = try runChain(coFlatMap, coBatch([.first("to be"), .second(2), .second(0), .first("or")]))
        #expect(Array(output.records) == ["to", "be", "#", "#", "or"])
        #expect(output.timestamps.map(\.milliseconds) == [0, 0, 10, 10, 30])
    }

    @Test("the two closures may return different sequence types")
    func differentSequenceTypes() throws {
        let coFlatMap = CoFlatMap(
            first: { (value: Int) in (0..<value).lazy.map { $0 * 10 } },
            second: { (value: Int) in CollectionOfOne(-value) })
        let output = try runChain(coFlatMap, coBatch([.first(3), .second(5)]))
        #expect(Array(output.records) == [0, 10, 20, -5])
    }

    @Test("a throwing closure raises RecordFailure naming the tagged record and its index")
    func throwing() {
        let coFlatMap = CoFlatMap(
            first: { (value: Int) throws -> [Int] in
                if value < 0 { throw UserError(value: value) }
                return [value]
            }, second: { (value: Int) in [value] })
        let failure = #expect(throws: RecordFailure.self) {
            try runChainKeepingInput(coFlatMap, coBatch([.second(-1), .first(1), .first(-4)]))
        }
        #expect(failure?.stage == 0)
        #expect(failure?.recordIndex == 2)
        #expect(failure?.record == "first(-4)")
        #expect(failure?.underlying as? UserError == UserError(value: -4))
    }

    @Test("attributes: kind CoFlatMap")
    func attributes() {
        #expect(CoFlatMap(first: { (value: Int) in [value] }, second: { (value: Int) in [value] }).attributes.kind == "CoFlatMap")
    }
}
