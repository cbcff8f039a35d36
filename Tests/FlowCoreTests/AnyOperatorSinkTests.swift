import FlowCore
import Testing

private final class CallLog: @unchecked Sendable {
    var calls: [String] = []
}

private struct SinkError: Error {}

/// Records what it is given, and keeps a running total in its own state.
private struct Recorder: SinkWriter {
    typealias Input = Int
    let log: CallLog
    var total = 0

    mutating func open(context: OperatorContext) async throws {
        log.calls.append("open \(context.stageName)")
    }

    mutating func write(_ batch: inout Batch<Int>) async throws {
        if batch.records.contains(-1) { throw SinkError() }
        total += batch.records.reduce(0, +)
        log.calls.append("write \(Array(batch.records)) total \(total)")
        batch.removeAll()
    }

    mutating func processWatermark(_ watermark: Watermark) async throws {
        log.calls.append("watermark \(watermark.time)")
    }

    mutating func finish() async throws {
        log.calls.append("finish \(total)")
    }

    mutating func close() async {
        log.calls.append("close")
    }
}

@Suite struct AnyOperatorSinkTests {
    @Test("every call is forwarded to the wrapped writer, whose state persists between writes")
    func forwardsEveryCall() async throws {
        let log = CallLog()
        let writer = AnyOperator(writer: Recorder(log: log))
        try await writer.open(context: OperatorContext(stageName: "out", stageID: "o", subtask: 0, parallelism: 1, maxParallelism: 1))
        var batch = Batch([1, 2])
        try await writer.write(&batch)
        #expect(batch.isEmpty)
        batch.append(10)
        try await writer.write(&batch)
        try await writer.processWatermark(Watermark(EventTime(milliseconds: 7)))
        try await writer.finish()
        await writer.close()
        #expect(log.calls == ["open out", "write [1, 2] total 3", "write [10] total 13", "watermark 7ms", "finish 13", "close"])
    }

    @Test("errors thrown by the wrapped writer propagate")
    func forwardsErrors() async {
        let writer = AnyOperator(writer: Recorder(log: CallLog()))
        var batch = Batch([-1])
        await #expect(throws: SinkError.self) { try await writer.write(&batch) }
    }
}
