import FlowCore
import FlowOperators
import Testing

@Suite struct CompactMapTests {
    @Test("keeps the non-nil results, in order, with their input's timestamp")
    func dropsNil() throws {
        let output = try runChain(CompactMap { (value: Int) in value.isMultiple(of: 2) ? "\(value)" : nil }, stamped(1...6))
        #expect(Array(output.records) == ["2", "4", "6"])
        #expect(output.timestamps.map(\.milliseconds) == [2, 4, 6])
    }

    @Test("parses, dropping what does not parse")
    func parses() throws {
        let output = try runChain(CompactMap { (text: String) in Int(text) }, Batch(["1", "x", "22", "", "-3"]))
        #expect(Array(output.records) == [1, 22, -3])
    }

    @Test("a throwing transform raises RecordFailure with the record's index")
    func throwing() {
        let compactMap = CompactMap { (value: Int) throws -> Int? in
            if value == 0 { throw UserError(value: 0) }
            return nil
        }
        let failure = #expect(throws: RecordFailure.self) { try runChainKeepingInput(compactMap, Batch([4, 0])) }
        #expect(failure?.stage == 0)
        #expect(failure?.recordIndex == 1)
        #expect(failure?.record == "0")
    }

    @Test("attributes: kind CompactMap")
    func attributes() {
        #expect(CompactMap { (value: Int) in value }.attributes.kind == "CompactMap")
    }
}
