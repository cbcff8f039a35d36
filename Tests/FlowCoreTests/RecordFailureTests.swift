import FlowCore
import Testing

@Suite struct RecordFailureTests {
    @Test("initializer stores every field")
    func fields() {
        struct Boom: Error {}
        let failure = RecordFailure(stage: 2, recordIndex: 7, record: "x", underlying: Boom())
        #expect(failure.stage == 2)
        #expect(failure.recordIndex == 7)
        #expect(failure.record == "x")
        #expect(failure.origin == .function, "a failure blames the stage's function unless told otherwise")
        #expect(failure.underlying is Boom)
        let keyed = RecordFailure(stage: 0, recordIndex: 1, record: "nan", origin: .key, underlying: Boom())
        #expect(keyed.origin == .key)
    }
}
