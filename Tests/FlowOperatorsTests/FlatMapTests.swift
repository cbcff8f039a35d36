import FlowCore
import FlowOperators
import Testing

@Suite struct FlatMapTests {
    @Test("emits every element of each result, in order, all with the input record's timestamp")
    func multiElementResults() throws {
        let output = try runChain(FlatMap { (value: Int) in Array(repeating: value, count: value) }, stamped([2, 0, 3, 1]))
        #expect(Array(output.records) == [2, 2, 3, 3, 3, 1])
        #expect(output.timestamps.map(\.milliseconds) == [2, 2, 3, 3, 3, 1])
    }

    @Test("empty results emit nothing")
    func emptyResults() throws {
        let output = try runChain(FlatMap { (_: Int) in [String]() }, stamped(1...5))
        #expect(output.isEmpty)
    }

    @Test("splits lines into words (any Sequence result type)")
    func splitsWords() throws {
        let output = try runChain(
            FlatMap { (line: String) in line.split(separator: " ").map(String.init) },
            Batch(["to be", "", "or not to be"]))
        #expect(Array(output.records) == ["to", "be", "or", "not", "to", "be"])
        let lazy = try runChain(FlatMap { (value: Int) in (0..<value).lazy.map { $0 * 10 } }, Batch([3]))
        #expect(Array(lazy.records) == [0, 10, 20])
    }

    @Test("a throwing transform raises RecordFailure with the record's index")
    func throwing() {
        let flatMap = FlatMap { (value: Int) throws -> [Int] in
            if value < 0 { throw UserError(value: value) }
            return [value, value]
        }
        let failure = #expect(throws: RecordFailure.self) { try runChainKeepingInput(flatMap, Batch([1, 2, -3])) }
        #expect(failure?.stage == 0)
        #expect(failure?.recordIndex == 2)
        #expect(failure?.record == "-3")
        #expect(failure?.underlying as? UserError == UserError(value: -3))
    }

    @Test("attributes: kind FlatMap")
    func attributes() {
        #expect(FlatMap { (value: Int) in [value] }.attributes.kind == "FlatMap")
    }
}
