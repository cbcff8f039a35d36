import Flow
import Synchronization
import Testing

/// Counts which path the runtime took, shared by a reader or writer and the test.
private final class PathLog: Sendable {
    private let counts = Mutex((immediate: 0, suspending: 0))

    func note(immediate: Bool) {
        counts.withLock { if immediate { $0.immediate += 1 } else { $0.suspending += 1 } }
    }

    var immediate: Int { counts.withLock { $0.immediate } }
    var suspending: Int { counts.withLock { $0.suspending } }
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
        log.note(immediate: true)
        add(&batch)
        return true
    }

    mutating func write(_ batch: inout Batch<Int>) async throws {
        log.note(immediate: false)
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
    @Test("A reader that can read at once on some reads and not on others loses and repeats nothing",
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
        // 10 reads of at most 10 records: every other one at once.
        #expect(log.immediate == 5 && log.suspending == 5, "immediate \(log.immediate), suspending \(log.suspending)")
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
        // Batches start at 0, 5, 10, …, 50: 0, 10, 20, 30, 40, 50 are even.
        #expect(log.immediate == 6 && log.suspending == 5, "immediate \(log.immediate), suspending \(log.suspending)")
    }

    @Test("The generator and collection readers read the same records at once as they do suspending")
    func builtInReaders() async throws {
        var generator = GeneratorReader(count: 25, recordsPerSecond: nil, function: ClosureGenerator { $0 * 3 })
        var suspending = generator
        let context = SourceContext(stageName: "g", stageID: "g", subtask: 0, parallelism: 1)
        try await generator.open(context: context)
        try await suspending.open(context: context)
        var immediateBatch = Batch<Int64>()
        var suspendingBatch = Batch<Int64>()
        var statuses: [SourceStatus] = []
        while statuses.last != .finished {
            let status = try #require(generator.readImmediately(into: &immediateBatch, maxCount: 10))
            #expect(try await suspending.read(into: &suspendingBatch, maxCount: 10) == status)
            statuses.append(status)
        }
        #expect(statuses == [.more, .more, .finished])
        #expect(immediateBatch == suspendingBatch && immediateBatch.count == 25)

        var collection = CollectionReader(Array("abcdefg"))
        var letters = Batch<Character>()
        #expect(collection.readImmediately(into: &letters, maxCount: 4) == .more)
        #expect(collection.readImmediately(into: &letters, maxCount: 4) == .finished)
        #expect(String(letters.records) == "abcdefg")
    }
}
