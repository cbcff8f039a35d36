import FlowCore
import FlowOperators
import Testing

/// Tagged records stamped with their position as event time (to check timestamps are kept).
func coBatch<First, Second>(_ elements: [CoElement<First, Second>]) -> Batch<CoElement<First, Second>> {
    var batch = Batch<CoElement<First, Second>>()
    for (index, element) in elements.enumerated() { batch.append(element, at: EventTime(milliseconds: Int64(index * 10))) }
    return batch
}

/// Describes a count and a word differently, as a type.
struct DescribeBoth: CoMapFunction {
    func mapFirst(_ value: Int) -> String { "count \(value)" }
    func mapSecond(_ value: String) -> String { "word \(value)" }
}

@Suite struct CoMapTests {
    @Test("maps each record with its input's closure, in order, keeping timestamps")
    func mapsEachSide() throws {
        let coMap = CoMap(first: { (value: Int) in "n\(value)" }, second: { (value: String) in "s\(value)" })
        let output = try runChain(coMap, coBatch([.first(1), .second("a"), .second("b"), .first(2)]))
        #expect(Array(output.records) == ["n1", "sa", "sb", "n2"])
        #expect(output.timestamps.map(\.milliseconds) == [0, 10, 20, 30])
    }

    @Test("CoMapWith runs a CoMapFunction type")
    func typedFunction() throws {
        let output = try runChain(CoMapWith(DescribeBoth()), coBatch([.second("x"), .first(7)]))
        #expect(Array(output.records) == ["word x", "count 7"])
    }

    @Test("a throwing closure raises RecordFailure naming the tagged record and its index")
    func throwing() {
        let coMap = CoMap(
            first: { (value: Int) in value },
            second: { (text: String) throws -> Int in
                guard let value = Int(text) else { throw UserError(value: -1) }
                return value
            })
        let failure = #expect(throws: RecordFailure.self) {
            try runChainKeepingInput(coMap, coBatch([.first(1), .second("2"), .second("two")]))
        }
        #expect(failure?.stage == 0)
        #expect(failure?.recordIndex == 2)
        #expect(failure?.record == "second(two)")
        #expect(failure?.underlying as? UserError == UserError(value: -1))
    }

    @Test("after a tagging map in one chain, a failure names the CoMap's ordinal")
    func chainedOrdinal() {
        let chain = _Chain2(
            MapWith(TagAsFirst<Int, String>()),
            CoMap(
                first: { (value: Int) throws -> Int in
                    if value == 3 { throw UserError(value: 3) }
                    return value
                }, second: { (text: String) in text.count }))
        let failure = #expect(throws: RecordFailure.self) { try runChainKeepingInput(chain, Batch([1, 2, 3])) }
        #expect(failure?.stage == 1)
        #expect(failure?.recordIndex == 2)
        #expect(failure?.record == "first(3)")
    }

    @Test("attributes: kind CoMap, renamable")
    func attributes() {
        let coMap = CoMap(first: { (value: Int) in value }, second: { (value: Int) in value })
        #expect(coMap.attributes.kind == "CoMap")
        #expect(coMap.name("merge").attributes.displayName == "merge")
    }
}
