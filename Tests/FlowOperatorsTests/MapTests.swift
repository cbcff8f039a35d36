import FlowCore
import FlowOperators
import Testing

@Suite struct MapTests {
    @Test("transforms every record, in order, keeping its timestamp")
    func mapsEveryRecord() throws {
        let output = try runChain(Map { (value: Int) in "#\(value * value)" }, stamped([3, 1, 2]))
        #expect(Array(output.records) == ["#9", "#1", "#4"])
        #expect(output.timestamps.map(\.milliseconds) == [3, 1, 2])
    }

    @Test("an empty batch gives an empty output")
    func emptyInput() throws {
        let output = try runChain(Map { (value: Int) in value + 1 }, Batch<Int>())
        #expect(output.isEmpty)
    }

    @Test("appends after what the output already holds")
    func appendsToOutput() throws {
        var chainOperator = FusedChainOperator(Map { (value: Int) in value + 1 })
        var input = Batch([1, 2])
        var output = Batch([100])
        try chainOperator.process(&input, into: &output)
        #expect(Array(output.records) == [100, 2, 3])
    }

    @Test("a throwing transform raises RecordFailure for stage 0 with the record's index")
    func throwing() {
        let map = Map { (value: Int) throws -> Int in
            if value == 7 { throw UserError(value: value) }
            return value
        }
        let failure = #expect(throws: RecordFailure.self) { try runChainKeepingInput(map, stamped([5, 6, 7, 8])) }
        #expect(failure?.stage == 0)
        #expect(failure?.recordIndex == 2)
        #expect(failure?.record == "7")
        #expect(failure?.underlying as? UserError == UserError(value: 7))
    }

    @Test("attributes: kind Map, modifiers apply")
    func attributes() {
        let map = Map { (value: Int) in value }.name("double").uid("m1")
        #expect(map.attributes.kind == "Map")
        #expect(map.attributes.name == "double")
        #expect(map.attributes.uid == "m1")
        #expect(Map<Int, Int>.stageCount == 1)
    }
}
