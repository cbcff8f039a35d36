import FlowCore
import Testing

private struct ParseError: Error, CustomStringConvertible {
    var description: String { "bad digit 'x'" }
}

@Suite struct FlowErrorTests {
    @Test("description names the code, stage, uid, subtask, record position, record and underlying error")
    func fullDescription() {
        let error = FlowError(
            .userFunctionFailed, "the map function threw",
            stageName: "parse", stageID: "parse-uid-1", subtask: 2,
            recordPosition: 1234, record: "\"12x\"", underlying: ParseError())
        let text = error.description
        for fragment in ["userFunctionFailed", "parse", "parse-uid-1", "2", "1234", "\"12x\"", "the map function threw", "bad digit 'x'"] {
            #expect(text.contains(fragment), "'\(fragment)' missing from: \(text)")
        }
        #expect(text.hasPrefix("userFunctionFailed"))
    }

    @Test("description without location is the code and the message")
    func bareDescription() {
        let error = FlowError(.invalidGraph, "the job has no sink")
        #expect(error.description.contains("invalidGraph"))
        #expect(error.description.contains("the job has no sink"))
        #expect(!error.description.contains("stage"))
        #expect(!error.description.contains("record"))
    }

    @Test("initializer stores every field")
    func fields() {
        let error = FlowError(.sinkFailed, "m", stageName: "n", stageID: "u", subtask: 1, recordPosition: 9, record: "r")
        #expect(error.code == .sinkFailed)
        #expect(error.message == "m")
        #expect(error.stageName == "n")
        #expect(error.stageID == "u")
        #expect(error.subtask == 1)
        #expect(error.recordPosition == 9)
        #expect(error.record == "r")
        #expect(error.underlying == nil)
    }

    @Test("codes are distinct and describe themselves by name")
    func codes() {
        let codes: [FlowError.Code] = [
            .invalidGraph, .invalidConfiguration, .userFunctionFailed, .sourceFailed,
            .sinkFailed, .malformedData, .cancelled, .internalError,
        ]
        #expect(Set(codes).count == codes.count)
        #expect(
            codes.map(\.description) == [
                "invalidGraph", "invalidConfiguration", "userFunctionFailed", "sourceFailed",
                "sinkFailed", "malformedData", "cancelled", "internalError",
            ])
    }

    @Test("describe keeps a text of at most 200 characters whole", arguments: [0, 1, 199, 200])
    func describeShort(length: Int) {
        let text = String(repeating: "a", count: length)
        #expect(FlowError.describe(text) == text)
    }

    @Test("describe truncates a longer text to its first 200 characters and an ellipsis", arguments: [201, 500])
    func describeLong(length: Int) {
        let text = String((0..<length).map { Character(UnicodeScalar(UInt8(65 + $0 % 26))) })
        let described = FlowError.describe(text)
        #expect(described.count == 201)
        #expect(described.hasSuffix("…"))
        #expect(described.dropLast() == text.prefix(200))
    }

    @Test("describe honours a custom limit and describes non-string values")
    func describeLimitAndValues() {
        #expect(FlowError.describe("abcdef", limit: 3) == "abc…")
        #expect(FlowError.describe(42) == "42")
        #expect(FlowError.describe([1, 2]) == "[1, 2]")
    }
}
