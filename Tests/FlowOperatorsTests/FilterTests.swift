import FlowCore
import FlowOperators
import Testing

@Suite struct FilterTests {
    @Test("keeps exactly the records the predicate accepts, in order, with their timestamps")
    func keepsMatching() throws {
        let output = try runChain(Filter { (value: Int) in value % 3 == 0 }, stamped(1...10))
        #expect(Array(output.records) == [3, 6, 9])
        #expect(output.timestamps.map(\.milliseconds) == [3, 6, 9])
    }

    @Test("a predicate that rejects everything gives an empty output; one that accepts everything copies the input")
    func allOrNothing() throws {
        #expect(try runChain(Filter { (_: Int) in false }, stamped(1...5)).isEmpty)
        #expect(try runChain(Filter { (_: Int) in true }, stamped(1...5)) == stamped(1...5))
    }

    @Test("a throwing predicate raises RecordFailure with the record's index and description")
    func throwing() {
        let filter = Filter { (text: String) throws -> Bool in
            if text.isEmpty { throw UserError(value: 0) }
            return true
        }
        let failure = #expect(throws: RecordFailure.self) { try runChainKeepingInput(filter, Batch(["a", "b", ""])) }
        #expect(failure?.stage == 0)
        #expect(failure?.recordIndex == 2)
        #expect(failure?.record == "")
        #expect(failure?.underlying is UserError)
    }

    @Test("attributes: kind Filter")
    func attributes() {
        #expect(Filter { (_: Int) in true }.attributes.kind == "Filter")
    }
}
