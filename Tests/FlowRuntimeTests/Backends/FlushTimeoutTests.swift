import FlowCore
import Flow
import Synchronization
import Testing

/// A source that always has one more record, but only every `interval`: never idle, slow.
private struct TrickleReader: SourceReader {
    let count: Int
    let interval: Duration
    var next = 0

    mutating func read(into batch: inout Batch<Int>, maxCount: Int) async throws -> SourceStatus {
        try await Task.sleep(for: interval)
        batch.append(next)
        next += 1
        return next == count ? .finished : .more
    }
}

/// Records the size of every batch a sink instance receives.
private final class BatchSizes: Sendable {
    private let sizes = FlowMutex<[Int]>([])
    func append(_ size: Int) { sizes.withLock { $0.append(size) } }
    var all: [Int] { sizes.withLock { $0 } }
}

private struct SizeWriter: SinkWriter {
    let sizes: BatchSizes
    mutating func write(_ batch: inout Batch<Int>) async throws {
        sizes.append(batch.count)
        batch.removeAll()
    }
}

@Suite("Batching with a latency bound", .timeLimit(.minutes(2)))
struct FlushTimeoutTests {
    fileprivate static func job(flushTimeout: Duration, sizes: BatchSizes) throws -> Job {
        try Job("trickle", configuration: ExecutionConfiguration(batchSize: 1024, flushTimeout: flushTimeout)) {
            Source(isParallel: false) { TrickleReader(count: 300, interval: .microseconds(200)) }
            Sink(WriterSink { SizeWriter(sizes: sizes) }).disableChaining()
        }
    }

    @Test(
        "A trickle of records from a busy source goes out when the flush timeout passes, not when the batch is full",
        arguments: [BackendKind.sync, .dispatch, .actor])
    func trickleFlushes(_ backend: BackendKind) async throws {
        let sizes = BatchSizes()
        _ = try await execution(of: Self.job(flushTimeout: .milliseconds(2), sizes: sizes), on: backend).run()
        #expect(sizes.all.reduce(0, +) == 300)
        // 300 records over at least 60 ms, flushed every 2 ms: many small batches.
        #expect(sizes.all.count >= 10, "\(sizes.all)")
        #expect(sizes.all.max()! < 300)
    }

    @Test("With a flush timeout longer than the run, the same trickle goes out in one batch at the end")
    func longTimeoutHoldsBatch() async throws {
        let sizes = BatchSizes()
        _ = try await execution(of: Self.job(flushTimeout: .seconds(60), sizes: sizes), on: .dispatch).run()
        #expect(sizes.all == [300])
    }

    @Test("Under load batches fill: a fast source sends full batches, through every bridge")
    func loadFillsBatches() async throws {
        let sizes = BatchSizes()
        // The sink in a task of its own: what it receives is what the Map's task sent. The tasks'
        // first steps are small (their pacers start at one record); the routers fill batches
        // across them. The flush timeout is long, so a thread descheduled for a millisecond by
        // other tests' work does not flush a partial batch (the default 1 ms did, under load).
        let job = try Job("fast", configuration: ExecutionConfiguration(batchSize: 256, flushTimeout: .seconds(10))) {
            Source.generator(count: 256 * 200) { (n: Int64) in Int(n) }
            Map { (x: Int) in x }.disableChaining()
            Sink(WriterSink { SizeWriter(sizes: sizes) }).disableChaining()
        }
        try await job.run(on: .dispatch)
        #expect(sizes.all.count == 200)
        #expect(sizes.all.allSatisfy { $0 == 256 })
    }

    @Test("A FlatMap's large output leaves in batches of at most batchSize")
    func batchesCapped() async throws {
        let sizes = BatchSizes()
        // A long flush timeout: the cap is the point, and a step slowed past 1 ms (a loaded machine,
        // ThreadSanitizer) flushed a partial batch before it filled.
        let job = try Job("fan-out", configuration: ExecutionConfiguration(batchSize: 100, flushTimeout: .seconds(10))) {
            Source(Array(0..<100))
            FlatMap { (x: Int) in Array(repeating: x, count: 25) }
            Sink(WriterSink { SizeWriter(sizes: sizes) }).disableChaining()
        }
        let result = try await job.run(on: .dispatch)
        #expect(sizes.all.reduce(0, +) == 2500)
        #expect(sizes.all.max() == 100)
        #expect(result.metrics.edges[0].recordsSent == 2500)
    }

    @Test("A hash partition leaves as soon as it is full: no batch on a keyed edge exceeds batchSize")
    func hashPartitionsCapped() async throws {
        let sizes = BatchSizes()
        // Input batches of 1000 into 2 partitions of at most 64: every input batch fills several.
        let job = try Job("hash", configuration: ExecutionConfiguration(batchSize: 64)) {
            Source(Array(0..<10_000))
            Map { (x: Int) in x }
            KeyBy { (x: Int) in x % 7 }
            Reduce { (a: Int, b: Int) in b }.parallelism(2)
            Sink(WriterSink { SizeWriter(sizes: sizes) }).parallelism(2)
        }
        let result = try await job.run(on: .dispatch)
        #expect(sizes.all.reduce(0, +) == 10_000)
        #expect(sizes.all.max()! <= 64)
        #expect(result.metrics.edges.reduce(0) { $0 + $1.recordsSent } == 10_000)
    }
}
