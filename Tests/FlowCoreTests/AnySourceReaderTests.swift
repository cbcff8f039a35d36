import FlowCore
import Testing

private final class CallLog: @unchecked Sendable {
    var calls: [String] = []
}

/// Reads 0..<total, at most maxCount at a time, stamping each record with its value.
private struct Counter: SourceReader {
    typealias Output = Int
    let total: Int
    let log: CallLog
    var next = 0

    mutating func open(context: SourceContext) async throws {
        log.calls.append("open \(context.stageName) \(context.subtask)/\(context.parallelism)")
    }

    mutating func read(into batch: inout Batch<Int>, maxCount: Int) async throws -> SourceStatus {
        log.calls.append("read \(maxCount)")
        let end = Swift.min(next + maxCount, total)
        while next < end {
            batch.append(next, at: EventTime(milliseconds: Int64(next)))
            next += 1
        }
        return next == total ? .finished : .more
    }

    mutating func close() async {
        log.calls.append("close")
    }
}

@Suite struct AnySourceReaderTests {
    @Test("every call is forwarded to the wrapped reader, whose position persists between reads")
    func forwardsEveryCall() async throws {
        let log = CallLog()
        let reader = AnySourceReader(Counter(total: 5, log: log))
        try await reader.open(context: SourceContext(stageName: "numbers", stageID: "n", subtask: 0, parallelism: 1))
        var batch = Batch<Int>()
        #expect(try await reader.read(into: &batch, maxCount: 3) == .more)
        #expect(Array(batch.records) == [0, 1, 2])
        batch.removeAll()
        #expect(try await reader.read(into: &batch, maxCount: 3) == .finished)
        #expect(Array(batch.records) == [3, 4])
        #expect(batch.timestamps.map(\.milliseconds) == [3, 4])
        await reader.close()
        #expect(log.calls == ["open numbers 0/1", "read 3", "read 3", "close"])
    }

    @Test("a reader relying on the defaults for open and close still reads")
    func defaults() async throws {
        struct Once: SourceReader {
            var done = false
            mutating func read(into batch: inout Batch<String>, maxCount: Int) async throws -> SourceStatus {
                if !done { batch.append("only"); done = true }
                return done ? .finished : .more
            }
        }
        let reader = AnySourceReader(Once())
        try await reader.open(context: SourceContext(stageName: "s", stageID: "s", subtask: 0, parallelism: 1))
        var batch = Batch<String>()
        #expect(try await reader.read(into: &batch, maxCount: 10) == .finished)
        #expect(try await reader.read(into: &batch, maxCount: 10) == .finished)
        #expect(Array(batch.records) == ["only"])
        await reader.close()
    }
}
