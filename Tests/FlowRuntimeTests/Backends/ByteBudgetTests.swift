import FlowCore
import Flow
import Synchronization
import Testing

/// Takes a millisecond per batch and checks every record is one of the big strings.
private struct SlowBigWriter: SinkWriter {
    let written: SharedCount
    let wrong: SharedCount

    mutating func write(_ batch: inout Batch<String>) async throws {
        try await Task.sleep(for: .milliseconds(1))
        for record in batch.records where record.utf8.count != ByteBudgetTests.payload { wrong.add(1) }
        written.add(batch.count)
        batch.removeAll(keepingCapacity: true)
    }
}

/// Records the bytes (as ByteSized counts them) and the count of every batch it receives.
private final class BatchBytes: Sendable {
    private let batches = FlowMutex<[(count: Int, bytes: Int)]>([])
    func append(_ batch: Batch<String>) {
        let bytes = batch.records.reduce(0) { $0 + $1.byteSize }
        batches.withLock { $0.append((batch.count, bytes)) }
    }
    var all: [(count: Int, bytes: Int)] { batches.withLock { $0 } }
}

private struct BatchBytesWriter: SinkWriter {
    let log: BatchBytes
    mutating func write(_ batch: inout Batch<String>) async throws {
        log.append(batch)
        batch.removeAll(keepingCapacity: true)
    }
}

@Suite("Memory in flight is bounded in bytes", .serialized, .timeLimit(.minutes(2)))
struct ByteBudgetTests {
    static let payload = 1 << 20
    static let records: Int64 = 600

    @Test(
        "1 MiB strings through a keyed exchange into a slow sink stay within the byte budget",
        arguments: [1, 2], [BackendKind.dispatch, .actor, .sync])
    func bigRecords(parallelism: Int, backend: BackendKind) async throws {
        let budget = 8 << 20
        let written = SharedCount()
        let wrong = SharedCount()
        let configuration = ExecutionConfiguration(channelByteBudget: budget, defaultParallelism: parallelism)
        let job = try Job("big-records", configuration: configuration) {
            Source.generator(count: Self.records) { (n: Int64) in
                // Each record its own 1 MiB buffer (a copy of one string would share it).
                String(unsafeUninitializedCapacity: Self.payload) { buffer in
                    buffer.initialize(repeating: UInt8(97 + n % 4))
                    return Self.payload
                }
            }
            KeyBy { (text: String) in text.utf8.first! }
            Reduce { (_: String, latest: String) in latest }
            Sink(WriterSink { SlowBigWriter(written: written, wrong: wrong) })
        }
        let peak = ResidentMemoryPeak()
        let result = try await execution(of: job, on: backend).run()
        let peakBytes = await peak.stop()
        #expect(written.count == Int(Self.records) && wrong.count == 0)
        let edges = result.metrics.edges
        #expect(edges.count == parallelism * parallelism)
        let record = Self.payload + 48  // a string's inline 16 bytes and buffer header 32
        // (At parallelism 2 the four keys may all be owned by one instance: an edge may carry nothing.)
        #expect(edges.contains { $0.recordsSent > 0 })
        for edge in edges where edge.recordsSent > 0 {
            #expect(edge.maxBytesInFlight > 0 && edge.maxBytesInFlight <= budget, "\(edge)")
            // Each batch is within budget / credits = 2 MiB: one 1 MiB string (two would not fit).
            #expect(edge.bytesSent == edge.recordsSent * record, "\(edge)")
        }
        #expect(edges.reduce(0) { $0 + $1.recordsSent } == Int(Self.records))
        // 600 MiB went through; credits × 1024 records per bridge would have held all of it. What
        // is resident at once: the bridges' budgets, a step's output per task, the Reduce's four
        // keys, and the allocator's slack.
        print(
            "big-records p=\(parallelism) \(backend): peak resident +\(peakBytes >> 20) MiB, max in flight per bridge \(edges.map { $0.maxBytesInFlight >> 10 }) KiB"
        )
        #expect(peakBytes < 256 << 20, "peak resident memory grew by \(peakBytes >> 20) MiB")
    }

    @Test("A FlatMap's output of large strings leaves in batches within the byte limit")
    func flatMapOutputSplitByBytes() async throws {
        let log = BatchBytes()
        // 1 MiB over 4 credits: batches of at most 256 KiB, so three 64 KiB strings each. A flush
        // timeout longer than the run: only the end of input sends a partial batch.
        let configuration = ExecutionConfiguration(flushTimeout: .seconds(60), channelCredits: 4, channelByteBudget: 1 << 20)
        let job = try Job("fan-out-bytes", configuration: configuration) {
            Source(Array(0..<10))
            FlatMap { (n: Int) in (0..<50).map { String(repeating: "\(($0 + n) % 10)", count: 64 << 10) } }
            Sink(WriterSink { BatchBytesWriter(log: log) }).disableChaining()
        }
        let result = try await job.run(on: .dispatch)
        let batches = log.all
        #expect(batches.reduce(0) { $0 + $1.count } == 500)
        #expect(batches.allSatisfy { $0.bytes <= 256 << 10 }, "\(batches.map(\.bytes))")
        // Full batches across the FlatMap's commits of 50 strings each: 166 of three, then the last two.
        #expect(batches.map(\.count) == Array(repeating: 3, count: 166) + [2], "\(batches.map(\.count))")
        #expect(result.metrics.edges.allSatisfy { $0.maxBytesInFlight <= 1 << 20 })
    }

    @Test("A record larger than a batch's share of the budget travels alone")
    func oversizedRecordAlone() async throws {
        let log = BatchBytes()
        let job = try Job("oversized", configuration: ExecutionConfiguration(channelCredits: 2, channelByteBudget: 64 << 10)) {
            Source((0..<20).map { String(repeating: "z", count: $0.isMultiple(of: 5) ? 100 << 10 : 100) })
            Sink(WriterSink { BatchBytesWriter(log: log) }).disableChaining()
        }
        try await job.run(on: .dispatch)
        let batches = log.all
        #expect(batches.reduce(0) { $0 + $1.count } == 20)
        for batch in batches where batch.bytes > 32 << 10 {
            #expect(batch.count == 1, "a 100 KiB string shares its batch: \(batches)")
        }
        #expect(batches.filter { $0.bytes > 32 << 10 }.count == 4, "the four 100 KiB strings each alone")
        #expect(batches.filter { $0.count > 1 }.allSatisfy { $0.bytes <= 32 << 10 }, "\(batches)")
    }

    @Test("Records of fixed size fill batches by count, their bytes counted as count × stride")
    func fixedSizeRecordsFill() async throws {
        let out = CollectedRecords<Int>()
        // A flush timeout far longer than the run: no partial batch leaves early on a loaded machine.
        let job = try Job("fixed", configuration: ExecutionConfiguration(batchSize: 128, flushTimeout: .seconds(60))) {
            Source.generator(count: 128 * 50) { Int($0) }
            Sink(.collect(into: out)).disableChaining()
        }
        let result = try await job.run(on: .dispatch)
        #expect(out.records == Array(0..<(128 * 50)))
        let edge = try #require(result.metrics.edges.first)
        #expect(edge.bytesSent == 128 * 50 * 8)
        // 50 full batches, the final watermark and the end of input.
        #expect(edge.elementsSent == 52, "\(edge)")
    }
}
