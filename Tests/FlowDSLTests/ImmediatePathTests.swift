import Flow
import Synchronization
import Testing

/// Records which path the runtime took on each call, shared by a reader or writer and the test.
private final class PathLog: Sendable {
    private let calls = Mutex<[(immediate: Bool, first: Int?)]>([])

    func note(immediate: Bool, first: Int? = nil) {
        calls.withLock { $0.append((immediate, first)) }
    }

    var immediate: Int { calls.withLock { $0.filter(\.immediate).count } }
    var suspending: Int { calls.withLock { $0.filter { !$0.immediate }.count } }
    /// Whether each call was immediate, in order.
    var paths: [Bool] { calls.withLock { $0.map(\.immediate) } }
    /// The first record of each batch written, with the path its write took.
    var writes: [(immediate: Bool, first: Int?)] { calls.withLock { $0 } }
}

/// Reads 0..<total; can read without suspending only on even-numbered reads, so a job goes
/// through both paths.
private struct Alternating: SourceReader {
    let total: Int
    let log: PathLog
    var next = 0
    var reads = 0

    mutating func readImmediately(into batch: inout Batch<Int>, maxCount: Int) throws -> SourceStatus? {
        reads += 1
        guard reads.isMultiple(of: 2) else { return nil }
        log.note(immediate: true)
        return fill(&batch, maxCount)
    }

    mutating func read(into batch: inout Batch<Int>, maxCount: Int) async throws -> SourceStatus {
        log.note(immediate: false)
        await Task.yield()
        return fill(&batch, maxCount)
    }

    private mutating func fill(_ batch: inout Batch<Int>, _ maxCount: Int) -> SourceStatus {
        let end = Swift.min(next + maxCount, total)
        while next < end {
            batch.append(next)
            next += 1
        }
        return next == total ? .finished : .more
    }
}

/// Sums what it is given; writes without suspending only when the batch's first record is even.
private struct PickySum: SinkWriter {
    let log: PathLog
    let result: SumBox
    var sum = 0

    mutating func writeImmediately(_ batch: inout Batch<Int>) throws -> Bool {
        guard let first = batch.records.first, first.isMultiple(of: 2) else { return false }
        log.note(immediate: true, first: first)
        add(&batch)
        return true
    }

    mutating func write(_ batch: inout Batch<Int>) async throws {
        log.note(immediate: false, first: batch.records.first)
        await Task.yield()
        add(&batch)
    }

    private mutating func add(_ batch: inout Batch<Int>) {
        sum += batch.records.reduce(0, +)
        batch.removeAll()
    }

    mutating func finish() async throws {
        let total = sum
        result.value.withLock { $0 = total }
    }
}

/// Holds a `PickySum`'s result for the test.
private final class SumBox: Sendable {
    let value = Mutex(0)
}

@Suite("Readers and writers that need not suspend are called without an async call")
struct ImmediatePathTests {
    @Test(
        "A reader that can read at once on some reads and not on others loses and repeats nothing",
        arguments: [true, false])
    func reader(fused: Bool) async throws {
        let log = PathLog()
        let out = CollectedRecords<Int>()
        let job = try Job("alternating", configuration: ExecutionConfiguration(batchSize: 10, fusionEnabled: fused)) {
            Source(kind: "Alternating", isParallel: false) { Alternating(total: 95, log: log) }
            Map { (value: Int) in value * 2 }
            Sink(.collect(into: out))
        }
        #expect(job.plan.tasks[0].sourceStageCount == (fused ? 2 : 1))
        try await job.run()
        #expect(out.records == (0..<95).map { $0 * 2 })
        // Every other read at once, beginning with a suspending one (the reader's first
        // `readImmediately` declines), however the reads are sized.
        let paths = log.paths
        #expect(
            paths.count >= 10 && paths.enumerated().allSatisfy { $0.element == !$0.offset.isMultiple(of: 2) },
            "paths: \(paths)")
    }

    @Test("A writer that can write at once on some batches and not on others gets every batch once")
    func writer() async throws {
        let log = PathLog()
        let box = SumBox()
        let job = try Job("picky", configuration: ExecutionConfiguration(batchSize: 5)) {
            Source(Array(0..<53))
            Sink(WriterSink { PickySum(log: log, result: box) })
        }
        try await job.run()
        #expect(box.value.withLock { $0 } == (0..<53).reduce(0, +))
        // Each batch went the way its first record says (even: at once), and both ways occurred.
        let writes = log.writes
        #expect(writes.allSatisfy { $0.immediate == ($0.first.map { $0.isMultiple(of: 2) } ?? false) }, "writes: \(writes)")
        #expect(log.immediate > 0 && log.suspending > 0, "immediate \(log.immediate), suspending \(log.suspending)")
    }

    @Test("The generator reads at once: counted, and at a rate waiting when ahead and reading again when behind")
    func generatorReadsAtOnce() async throws {
        var counted = GeneratorReader(count: 25, recordsPerSecond: nil, function: ClosureGenerator { $0 * 3 })
        try await counted.open(context: SourceContext(stageName: "g", stageID: "g", subtask: 0, parallelism: 1))
        var batch = Batch<Int64>()
        var statuses: [SourceStatus?] = []
        while statuses.last != .finished {
            statuses.append(counted.readImmediately(into: &batch, maxCount: 10))
        }
        #expect(statuses == [.more, .more, .finished])
        #expect(Array(batch.records) == (0..<25).map { Int64($0) * 3 })

        var paced = GeneratorReader(count: nil, recordsPerSecond: 1_000_000, function: ClosureGenerator { $0 })
        try await paced.open(context: SourceContext(stageName: "p", stageID: "p", subtask: 0, parallelism: 1))
        var pacedBatch = Batch<Int64>()
        // The first read starts the clock: less than a step (50 records) is due, so it waits.
        guard case .idle(let until)? = paced.readImmediately(into: &pacedBatch, maxCount: 16), until != nil else {
            Issue.record("the first read should wait for a step's worth")
            return
        }
        #expect(pacedBatch.isEmpty)
        try await Task.sleep(for: .milliseconds(5))  // ≥ 5,000 records are due now
        #expect(paced.readImmediately(into: &pacedBatch, maxCount: 16) == .more)
        #expect(Array(pacedBatch.records) == (0..<16).map(Int64.init))
    }

    @Test("The collection reader reads at once, in slices per instance")
    func collectionReadsAtOnce() async throws {
        var second = CollectionReader(Array("abcdefg"))
        try await second.open(context: SourceContext(stageName: "c", stageID: "c", subtask: 1, parallelism: 2))
        var letters = Batch<Character>()
        #expect(second.readImmediately(into: &letters, maxCount: 2) == .more)
        #expect(second.readImmediately(into: &letters, maxCount: 2) == .finished)
        #expect(String(letters.records) == "defg")
    }

    @Test("A writer that throws from writeImmediately fails the job naming the sink")
    func throwingImmediateWriter() async throws {
        struct Refuses: SinkWriter {
            mutating func writeImmediately(_ batch: inout Batch<Int>) throws -> Bool { throw TestFailure(reason: "full") }
            mutating func write(_ batch: inout Batch<Int>) async throws { batch.removeAll() }
        }
        let job = try Job("refuses") {
            Source([1, 2, 3])
            Sink(WriterSink(kind: "Refuses") { Refuses() }).name("refusing")
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .sinkFailed && error?.stageName == "refusing")
        #expect(error?.underlying as? TestFailure == TestFailure(reason: "full"))
    }
}
