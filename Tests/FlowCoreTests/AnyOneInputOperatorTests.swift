import FlowCore
import Testing

/// A log shared between a test and the operator it wraps (the operator is a value, so the log is a class).
private final class CallLog: @unchecked Sendable {
    var calls: [String] = []
}

private struct ProbeError: Error {}

/// Multiplies by a factor, counts the batches it saw, holds watermarks back once, emits a trailer on finish.
private struct Probe: OneInputOperator {
    typealias Input = Int
    typealias Output = String
    static var stageCount: Int { 3 }

    let log: CallLog
    var batches = 0
    var failNext = false

    mutating func open(context: OperatorContext) throws {
        log.calls.append("open \(context.stageName) \(context.subtask)")
    }

    mutating func process(_ input: inout Batch<Int>, into output: inout Batch<String>) throws {
        if failNext { throw ProbeError() }
        batches += 1
        log.calls.append("process \(input.count)")
        for index in 0..<input.count {
            output.append("\(batches):\(input[index].record * 2)", at: input[index].timestamp)
        }
        input.removeAll()
    }

    mutating func processWatermark(_ watermark: Watermark, into output: inout Batch<String>) throws -> Watermark? {
        log.calls.append("watermark \(watermark.time.milliseconds)")
        output.append("wm", at: watermark.time)
        return watermark.time.milliseconds < 0 ? nil : Watermark(EventTime(milliseconds: watermark.time.milliseconds + 1))
    }

    mutating func finish(into output: inout Batch<String>) throws {
        log.calls.append("finish")
        output.append("done after \(batches)")
        failNext = true
    }

    func internalStageCounts(into counts: inout [Int]) {
        counts.append(contentsOf: [batches, 99])
    }
}

@Suite struct AnyOneInputOperatorTests {
    @Test("every call is forwarded to the wrapped operator, whose state persists between calls")
    func forwardsEveryCall() throws {
        let log = CallLog()
        let erased = AnyOneInputOperator(Probe(log: log))
        #expect(erased.stageCount == 3)

        try erased.open(context: OperatorContext(stageName: "probe", stageID: "p", subtask: 1, parallelism: 2, maxParallelism: 8))

        var input = Batch([1, 2], timestamp: EventTime(milliseconds: 5))
        var output = Batch<String>()
        try erased.process(&input, into: &output)
        #expect(input.isEmpty)
        input.append(10, at: EventTime(milliseconds: 6))
        try erased.process(&input, into: &output)
        #expect(Array(output.records) == ["1:2", "1:4", "2:20"])
        #expect(output.timestamps.map(\.milliseconds) == [5, 5, 6])

        var counts: [Int] = [7]
        erased.internalStageCounts(into: &counts)
        #expect(counts == [7, 2, 99])

        output.removeAll()
        let forwarded = try erased.processWatermark(Watermark(EventTime(milliseconds: 40)), into: &output)
        #expect(forwarded == Watermark(EventTime(milliseconds: 41)))
        let held = try erased.processWatermark(Watermark(EventTime(milliseconds: -1)), into: &output)
        #expect(held == nil)
        #expect(Array(output.records) == ["wm", "wm"])

        output.removeAll()
        try erased.finish(into: &output)
        #expect(Array(output.records) == ["done after 2"])

        #expect(log.calls == ["open probe 1", "process 2", "process 1", "watermark 40", "watermark -1", "finish"])
    }

    @Test("errors thrown by the wrapped operator propagate")
    func forwardsErrors() throws {
        let erased = AnyOneInputOperator(Probe(log: CallLog()))
        var output = Batch<String>()
        try erased.finish(into: &output)
        var input = Batch([1])
        #expect(throws: ProbeError.self) { try erased.process(&input, into: &output) }
    }

    @Test("an operator relying on the protocol's defaults: stageCount 1, watermark forwarded, nothing on finish")
    func defaults() throws {
        struct Identity: OneInputOperator {
            typealias Input = Int
            typealias Output = Int
            mutating func process(_ input: inout Batch<Int>, into output: inout Batch<Int>) throws {
                output.append(contentsOf: input)
                input.removeAll()
            }
        }
        let erased = AnyOneInputOperator(Identity())
        #expect(erased.stageCount == 1)
        var output = Batch<Int>()
        let watermark = Watermark(EventTime(milliseconds: 3))
        #expect(try erased.processWatermark(watermark, into: &output) == watermark)
        try erased.finish(into: &output)
        #expect(output.isEmpty)
        var counts: [Int] = []
        erased.internalStageCounts(into: &counts)
        #expect(counts.isEmpty)
        try erased.open(context: OperatorContext(stageName: "i", stageID: "i", subtask: 0, parallelism: 1, maxParallelism: 1))
    }
}
