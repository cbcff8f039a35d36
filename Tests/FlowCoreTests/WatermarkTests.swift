import FlowCore
import Testing

@Suite struct WatermarkTests {
    @Test("watermarks are ordered by their time")
    func ordering() {
        #expect(Watermark(EventTime(milliseconds: 1)) < Watermark(EventTime(milliseconds: 2)))
        #expect(!(Watermark(EventTime(milliseconds: 2)) < Watermark(EventTime(milliseconds: 1))))
        #expect(Watermark(EventTime(milliseconds: 3)) == Watermark(EventTime(milliseconds: 3)))
        #expect([Watermark.maximum, Watermark(.unassigned), Watermark(EventTime(milliseconds: 0))].max() == .maximum)
    }

    @Test("maximum is the watermark at EventTime.maximum, above every other")
    func maximum() {
        #expect(Watermark.maximum.time == .maximum)
        #expect(Watermark(EventTime(milliseconds: .max - 1)) < .maximum)
    }

    @Test("description wraps the time's description")
    func description() {
        #expect(Watermark(EventTime(milliseconds: 42)).description == "Watermark(42ms)")
        #expect(Watermark.maximum.description == "Watermark(max)")
    }
}
