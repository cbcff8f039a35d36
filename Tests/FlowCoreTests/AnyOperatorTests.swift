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

@Suite struct AnyOperatorTests {
    @Test("every call is forwarded to the wrapped operator, whose state persists between calls")
    func forwardsEveryCall() async throws {
        let log = CallLog()
        let erased = AnyOperator(Probe(log: log))
        #expect(erased.stageCount == 3)

        try await erased.open(context: OperatorContext(stageName: "probe", stageID: "p", subtask: 1, parallelism: 2, maxParallelism: 8))

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
        let forwarded = try await erased.processWatermark(Watermark(EventTime(milliseconds: 40)), into: &output)
        #expect(forwarded == Watermark(EventTime(milliseconds: 41)))
        let held = try await erased.processWatermark(Watermark(EventTime(milliseconds: -1)), into: &output)
        #expect(held == nil)
        #expect(Array(output.records) == ["wm", "wm"])

        output.removeAll()
        try await erased.finish(into: &output)
        #expect(Array(output.records) == ["done after 2"])

        #expect(log.calls == ["open probe 1", "process 2", "process 1", "watermark 40", "watermark -1", "finish"])
    }

    @Test("errors thrown by the wrapped operator propagate")
    func forwardsErrors() async throws {
        let erased = AnyOperator(Probe(log: CallLog()))
        var output = Batch<String>()
        try await erased.finish(into: &output)
        var input = Batch([1])
        #expect(throws: ProbeError.self) { try erased.process(&input, into: &output) }
    }

    @Test("an operator relying on the protocol's defaults: stageCount 1, watermark forwarded, nothing on finish")
    func defaults() async throws {
        struct Identity: OneInputOperator {
            typealias Input = Int
            typealias Output = Int
            mutating func process(_ input: inout Batch<Int>, into output: inout Batch<Int>) throws {
                output.append(contentsOf: input)
                input.removeAll()
            }
        }
        let erased = AnyOperator(Identity())
        #expect(erased.stageCount == 1)
        var output = Batch<Int>()
        let watermark = Watermark(EventTime(milliseconds: 3))
        #expect(try await erased.processWatermark(watermark, into: &output) == watermark)
        try await erased.finish(into: &output)
        #expect(output.isEmpty)
        var counts: [Int] = []
        erased.internalStageCounts(into: &counts)
        #expect(counts.isEmpty)
        try await erased.open(context: OperatorContext(stageName: "i", stageID: "i", subtask: 0, parallelism: 1, maxParallelism: 1))
    }
}

/// One erasure for the three parts of a task: each role's checkpoint hooks reach what the part
/// means by them.
@Suite struct AnyOperatorRoleTests {
    /// A replayable reader of 0..<total in one split, logging its checkpoint calls.
    private struct Numbers: SourceReader {
        let total: Int
        let log: CallLog
        var next = 0
        var isReplayable: Bool { true }

        mutating func read(into batch: inout Batch<Int>, maxCount: Int) async throws -> SourceStatus {
            while next < Swift.min(total, next + maxCount) && batch.count < maxCount {
                batch.append(next)
                next += 1
            }
            return next == total ? .finished : .more
        }

        func snapshotSplits(checkpoint: Int64) async throws -> [SourceSplit] {
            log.calls.append("snapshot \(checkpoint)")
            return [SourceSplit(index: 0, splitCount: 1, position: Int64(next))]
        }

        mutating func restoreSplits(_ splits: [SourceSplit]) throws {
            log.calls.append("restore \(splits.map(\.position))")
            next = Int(splits[0].position)
        }

        mutating func notifyCheckpointComplete(_ id: Int64) async throws { log.calls.append("complete \(id)") }
    }

    /// A two-phase-commit writer logging its calls.
    private struct Committer: SinkWriter {
        let log: CallLog
        mutating func write(_ batch: inout Batch<Int>) async throws {
            log.calls.append("write \(Array(batch.records))")
            batch.removeAll()
        }
        mutating func writeImmediately(_ batch: inout Batch<Int>) throws -> Bool {
            batch.count < 3
                ? false
                : {
                    log.calls.append("now \(batch.count)"); batch.removeAll(); return true
                }()
        }
        mutating func preCommit(checkpoint id: Int64) async throws { log.calls.append("preCommit \(id)") }
        mutating func commit(checkpoint id: Int64) async throws { log.calls.append("commit \(id)") }
        mutating func abort(checkpoint id: Int64) async { log.calls.append("abort \(id)") }
    }

    private static let context = OperatorContext(stageName: "s", stageID: "s", subtask: 0, parallelism: 1, maxParallelism: 1)

    @Test("A source: it reads through the runs, restores before open, snapshots its splits, and hears of completion")
    func source() async throws {
        let log = CallLog()
        let source = AnyOperator(reader: Numbers(total: 5, log: log))
        #expect(source.role == .source && source.restoresBeforeOpen && source.isReplayable && !source.hasTimers)
        try source.restoreState(
            from: OperatorSnapshot(
                operatorID: "s", checkpointID: 1, maxParallelism: 1,
                splits: [SourceSplit(index: 0, splitCount: 1, position: 2)]))
        try await source.open(context: Self.context)
        var none = Batch<Never>()
        var batch = Batch<Int>()
        #expect(try source.readImmediately(into: &batch, maxCount: 2) == nil, "a reader without readImmediately must be read suspending")
        #expect(try await source.run(&none, into: &batch, maxCount: 2) == .more)
        #expect(Array(batch.records) == [2, 3])
        var snapshot = OperatorSnapshot(operatorID: "s", checkpointID: 2, maxParallelism: 1)
        try await source.snapshotState(checkpoint: 2, into: &snapshot)
        #expect(snapshot.splits == [SourceSplit(index: 0, splitCount: 1, position: 4)])
        #expect(snapshot.keyed.isEmpty)
        try await source.notifyCheckpointComplete(2)
        #expect(log.calls == ["restore [2]", "snapshot 2", "complete 2"])
    }

    @Test("A sink: it writes at once or says it must suspend; the snapshot pre-commits, completion commits, an abort discards nothing")
    func sink() async throws {
        let log = CallLog()
        let sink = AnyOperator(writer: Committer(log: log))
        #expect(sink.role == .sink && !sink.restoresBeforeOpen && sink.isReplayable)
        var none = Batch<Never>()
        var small = Batch([1, 2])
        #expect(try !sink.processImmediately(&small, into: &none))
        #expect(small.count == 2, "a writer that must suspend consumes nothing")
        #expect(try await sink.run(&small, into: &none, maxCount: 2) == .more)
        var large = Batch([1, 2, 3])
        #expect(try sink.processImmediately(&large, into: &none))
        var snapshot = OperatorSnapshot(operatorID: "s", checkpointID: 7, maxParallelism: 1)
        try await sink.snapshotState(checkpoint: 7, into: &snapshot)
        await sink.notifyCheckpointAborted(7)
        try await sink.notifyCheckpointComplete(8)
        #expect(snapshot.splits.isEmpty && snapshot.keyed.isEmpty)
        #expect(log.calls == ["write [1, 2]", "now 3", "preCommit 7", "commit 8"])
    }

    @Test("An operator: its keyed snapshot goes into the snapshot's keyed part; it restores after open")
    func transform() async throws {
        let erased = AnyOperator(Probe(log: CallLog()))
        #expect(erased.role == .transform && !erased.restoresBeforeOpen && erased.isReplayable)
        var snapshot = OperatorSnapshot(operatorID: "p", checkpointID: 3, maxParallelism: 8)
        try await erased.snapshotState(checkpoint: 3, into: &snapshot)
        #expect(snapshot.keyed.isEmpty && snapshot.splits.isEmpty && snapshot.keyed.checkpointID == 3)
    }
}
