import FlowCore
import Testing

@Suite struct EventTimeTests {
    @Test("unassigned is Int64.min and is not assigned; maximum is Int64.max")
    func specialValues() {
        #expect(EventTime.unassigned.milliseconds == .min)
        #expect(!EventTime.unassigned.isAssigned)
        #expect(EventTime.maximum.milliseconds == .max)
        #expect(EventTime.maximum.isAssigned)
        #expect(EventTime(milliseconds: 0).isAssigned)
        #expect(EventTime(milliseconds: -5).isAssigned)
    }

    @Test("event times are ordered by milliseconds, unassigned first and maximum last")
    func ordering() {
        let times = [EventTime.maximum, EventTime(milliseconds: 10), .unassigned, EventTime(milliseconds: -3), EventTime(milliseconds: 0)]
        #expect(times.sorted().map(\.milliseconds) == [.min, -3, 0, 10, .max])
        #expect(EventTime(milliseconds: 1) < EventTime(milliseconds: 2))
        #expect(!(EventTime(milliseconds: 2) < EventTime(milliseconds: 2)))
        #expect(EventTime(milliseconds: 4) == EventTime(milliseconds: 4))
    }

    @Test(
        "description",
        arguments: [
            (EventTime.unassigned, "unassigned"),
            (EventTime.maximum, "max"),
            (EventTime(milliseconds: 1500), "1500ms"),
            (EventTime(milliseconds: 0), "0ms"),
            (EventTime(milliseconds: -20), "-20ms"),
        ])
    func description(time: EventTime, expected: String) {
        #expect(time.description == expected)
    }
}
