import FlowCore
import FlowOperators
import Testing

/// Passes numbers of the first input that are at least the threshold set by the second input;
/// numbers that arrive before any threshold wait for it. At the end, emits how many were dropped.
struct ThresholdGate: CoProcessFunction {
    typealias Output = String
    var threshold: Int?
    var waiting: [(value: Int, timestamp: EventTime)] = []
    var dropped = 0

    mutating func processFirst(_ value: Int, at timestamp: EventTime, into output: inout some RecordCollector<String>) throws {
        guard let threshold else {
            waiting.append((value, timestamp))
            return
        }
        if value >= threshold { try output.collect("pass \(value)", at: timestamp) } else { dropped += 1 }
    }

    mutating func processSecond(_ value: Int, at timestamp: EventTime, into output: inout some RecordCollector<String>) throws {
        if value < 0 { throw UserError(value: value) }
        threshold = value
        let waiting = self.waiting
        self.waiting = []
        for entry in waiting { try processFirst(entry.value, at: entry.timestamp, into: &output) }
    }

    mutating func finish(into output: inout some RecordCollector<String>) throws {
        try output.collect("dropped \(dropped + waiting.count)", at: .maximum)
    }
}

/// Counts records per input; has no `finish`.
struct Counting: CoProcessFunction {
    typealias Output = Int
    var firsts = 0
    var seconds = 0
    mutating func processFirst(_ value: Int, at timestamp: EventTime, into output: inout some RecordCollector<Int>) throws {
        firsts += 1
    }
    mutating func processSecond(_ value: String, at timestamp: EventTime, into output: inout some RecordCollector<Int>) throws {
        seconds += 1
        try output.collect(firsts, at: timestamp)
    }
}

@Suite struct CoProcessOperatorTests {
    @Test("state in the function persists across batches; records waiting for the other input are released in order")
    func stateAcrossBatches() throws {
        var gate = CoProcessOperator(ThresholdGate())
        var output = Batch<String>()
        var first = coBatch([CoElement<Int, Int>.first(5), .first(1), .first(9)])
        try gate.process(&first, into: &output)
        #expect(first.isEmpty, "the operator must empty its input")
        #expect(output.isEmpty, "no threshold yet: everything waits")
        var second = coBatch([CoElement<Int, Int>.second(4), .first(3), .first(4)])
        try gate.process(&second, into: &output)
        #expect(Array(output.records) == ["pass 5", "pass 9", "pass 4"])
        #expect(output.timestamps.map(\.milliseconds) == [0, 20, 20], "a released record keeps its own timestamp")
        #expect(gate.currentFunction.dropped == 2)
        output.removeAll()
        try gate.finish(into: &output)
        #expect(Array(output.records) == ["dropped 2"])
    }

    @Test("finish reports records still waiting; the default finish emits nothing")
    func finish() throws {
        var gate = CoProcessOperator(ThresholdGate())
        var output = Batch<String>()
        var input = coBatch([CoElement<Int, Int>.first(5)])
        try gate.process(&input, into: &output)
        try gate.finish(into: &output)
        #expect(Array(output.records) == ["dropped 1"])

        var counting = CoProcessOperator(Counting())
        var counts = Batch<Int>()
        var tagged = coBatch([CoElement<Int, String>.first(1), .first(2), .second("a"), .first(3), .second("b")])
        try counting.process(&tagged, into: &counts)
        #expect(Array(counts.records) == [2, 3])
        try counting.finish(into: &counts)
        #expect(counts.count == 2)
    }

    @Test("a throwing function raises RecordFailure naming the tagged record and its index")
    func throwing() {
        var gate = CoProcessOperator(ThresholdGate())
        var input = coBatch([CoElement<Int, Int>.first(1), .second(-7)])
        var output = Batch<String>()
        let failure = #expect(throws: RecordFailure.self) { try gate.process(&input, into: &output) }
        #expect(failure?.stage == 0)
        #expect(failure?.recordIndex == 1)
        #expect(failure?.record == "second(-7)")
        #expect(failure?.underlying as? UserError == UserError(value: -7))
    }

    @Test("each copy of the operator starts from the function value it was made with")
    func copiesStartFresh() throws {
        let prototype = CoProcessOperator(Counting())
        var used = prototype
        var input = coBatch([CoElement<Int, String>.first(1), .first(2)])
        var output = Batch<Int>()
        try used.process(&input, into: &output)
        #expect(used.currentFunction.firsts == 2)
        #expect(prototype.currentFunction.firsts == 0)
    }
}
