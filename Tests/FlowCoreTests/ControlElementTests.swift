import FlowCore
import Testing

@Suite struct ControlElementTests {
    @Test("description of each case is its payload's description")
    func descriptions() {
        let watermark = Watermark(EventTime(milliseconds: 5))
        let barrier = CheckpointBarrier(checkpointID: 3, triggeredAt: 1000, mode: .atLeastOnce)
        let marker = LatencyMarker(emittedAtNanoseconds: 9, sourceID: "src", subtask: 2)
        #expect(ControlElement.watermark(watermark).description == watermark.description)
        #expect(ControlElement.barrier(barrier).description == barrier.description)
        #expect(ControlElement.latencyMarker(marker).description == marker.description)
        #expect(ControlElement.endOfInput.description == "EndOfInput")
        #expect(ControlElement.watermarkStatus(.idle).description == WatermarkStatus.idle.description)
        #expect(ControlElement.cancelCheckpoint(7).description == "CancelCheckpoint(7)")
    }

    @Test("payload descriptions name their identifying fields")
    func payloadDescriptions() {
        #expect(CheckpointBarrier(checkpointID: 12, triggeredAt: 0).description == "Barrier(12, exactlyOnce)")
        #expect(LatencyMarker(emittedAtNanoseconds: 1, sourceID: "lines", subtask: 3).description == "LatencyMarker(lines#3)")
        #expect(WatermarkStatus.idle.description == "WatermarkStatus(idle)")
        #expect(WatermarkStatus.active.description == "WatermarkStatus(active)")
    }

    @Test("equality compares case and payload")
    func equality() {
        let w1 = ControlElement.watermark(Watermark(EventTime(milliseconds: 1)))
        let w2 = ControlElement.watermark(Watermark(EventTime(milliseconds: 2)))
        #expect(w1 == .watermark(Watermark(EventTime(milliseconds: 1))))
        #expect(w1 != w2)
        #expect(w1 != .endOfInput)
        #expect(
            ControlElement.barrier(CheckpointBarrier(checkpointID: 1, triggeredAt: 5))
                != .barrier(CheckpointBarrier(checkpointID: 1, triggeredAt: 5, mode: .unaligned)))
        #expect(Set<ControlElement>([w1, w1, .endOfInput]).count == 2)
        #expect(ControlElement.watermarkStatus(.idle) != .watermarkStatus(.active))
        #expect(ControlElement.cancelCheckpoint(1) != .cancelCheckpoint(2))
    }
}
