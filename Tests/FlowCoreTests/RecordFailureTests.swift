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
        #expect(failure.underlying is Boom)
    }
}
