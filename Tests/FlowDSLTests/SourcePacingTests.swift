import Flow
import FlowTesting
import Synchronization
import Testing

/// The sizes of the batches a sink received, in order.
private final class BatchSizes: Sendable {
    let sizes = Mutex<[Int]>([])
}

private struct SizeRecorder<Input: Sendable>: SinkWriter {
    let record: BatchSizes
    mutating func write(_ batch: inout Batch<Input>) async throws {
        let count = batch.count
        record.sizes.withLock { $0.append(count) }
        batch.removeAll(keepingCapacity: true)
    }
}

@Suite("Source pacing: when a source is read again")
struct SourcePacingTests {
    // The sync scheduler does not back off while another task progresses, so the sync case passes
    // with or without the fix; it is here to check the same output on every backend.
    @Test(
        "an AsyncSequence source is read again at once after each element, on every backend",
        arguments: [BackendKind.sync, .dispatch, .actor])
    func asyncSequenceIsNotBackedOff(kind: BackendKind) async throws {
        // 5,000 buffered elements: if each read of one element counted as "idle", the runner's
        // back-off (up to 1 ms) would hold the source to ~1,000 elements a second, 5 s in all.
        let stream = finishedStream(0..<5_000)
        let out = CollectedRecords<Int>()
        let job = try Job("async-pacing") {
            Source(stream)
            Map { (x: Int) in x * 2 }
            Sink(.collect(into: out)).disableChaining()
        }
        let result = try await job.run(on: kind.defaultBackend)
        #expect(out.records == (0..<5_000).map { $0 * 2 })
        // The source's task waits only when a read finds nothing buffered: when its pump task has
        // not yet refilled the buffer. Reads take what the pump buffered (up to a batch), so that
        // happens a few times per run, not per element; but each such wait ends with a hop on the
        // cooperative pool, and on a pool held by other tests' synchronous bodies one hop took up
        // to 3 s (measured on the sync backend, at the suite's start), so the bound is loose. The
        // pacing rule itself is checked without a pump (`oneRecordPerReadIsNotBackedOff`), the
        // wake-up that replaced the back-off in AsyncSequencePumpTests.
        // Idle time, not the wall time, is asserted: other tests may share the machine's cores.
        let source = try #require(result.metrics.tasks.first { $0.task == 0 })
        #expect(source.idle < .seconds(10), "the source task idled \(source.idle) on \(kind): \(source)")
    }

    @Test(
        "a source whose read makes a record and cannot say when more come is read again at once, on every backend",
        arguments: [BackendKind.sync, .dispatch, .actor])
    func oneRecordPerReadIsNotBackedOff(kind: BackendKind) async throws {
        // The pacing rule itself, without a pump: every read makes one record and answers
        // `.idle(until: nil)`, so if such a read counted as idle, each of the 5,000 records would
        // wait out a back-off (20 µs × rounds, up to 1 ms): about 5 s of idle time. Read again at
        // once, the task never waits for the source, so pool delays do not add to its idle time.
        let out = CollectedRecords<Int>()
        let job = try Job("one-per-read") {
            Source(kind: "OneRecordPerRead", isParallel: false) { OneRecordPerRead(count: 5_000) }
            Map { (x: Int) in x * 2 }
            Sink(.collect(into: out)).disableChaining()
        }
        let result = try await job.run(on: kind.defaultBackend)
        #expect(out.records == (0..<5_000).map { $0 * 2 })
        let source = try #require(result.metrics.tasks.first { $0.task == 0 })
        #expect(source.idle < .seconds(1), "the source task idled \(source.idle) on \(kind): \(source)")
    }

    @Test("a rate-limited generator behind schedule by a step or more asks to be read again at once")
    func generatorBehindSchedule() async throws {
        var reader = GeneratorReader(count: nil, recordsPerSecond: 1_000_000, function: ClosureGenerator { (n: Int64) in n })
        try await reader.open(context: SourceContext(stageName: "gen", stageID: "g", subtask: 0, parallelism: 1))
        var batch = Batch<Int64>()
        // The first read starts the clock: one record is due, less than a step (50), so it waits.
        guard case .idle(let until) = try await reader.read(into: &batch, maxCount: 16), until != nil else {
            Issue.record("the first read should wait for a step's worth")
            return
        }
        #expect(batch.isEmpty)
        try await Task.sleep(for: .milliseconds(5))  // ≥ 5,000 records are due now
        let status = try await reader.read(into: &batch, maxCount: 16)
        #expect(Array(batch.records) == (0..<16).map(Int64.init))
        #expect(status == .more, "cut at maxCount with thousands due, the source must not wait: \(status)")
    }

    @Test("a rate-limited generator releases records in steps of 50 µs worth, never a smaller batch but the last")
    func generatorReleasesInSteps() async throws {
        // 200,000 records/s: a step is 10 records; 2,000 records take at least 10 ms.
        let sizes = BatchSizes()
        // A flush timeout far longer than any read, so the pacer sizes reads by its start alone
        // (1, 4, 16, …), not by how long a read took on a loaded machine.
        let job = try Job("rate-steps", configuration: ExecutionConfiguration(flushTimeout: .seconds(60))) {
            Source.generator(count: 2_000, recordsPerSecond: 200_000) { (n: Int64) in n }
            Sink(WriterSink { SizeRecorder<Int64>(record: sizes) })
        }
        let clock = ContinuousClock()
        let elapsed = try await clock.measure { try await job.run(on: .dispatch) }
        let seen = sizes.sizes.withLock { $0 }
        #expect(seen.reduce(0, +) == 2_000)
        // The task's first reads are of 1 and 4 records while its pacer learns what a record
        // costs; from then on the generator's steps decide.
        #expect(seen.prefix(2) == [1, 4], "batches: \(seen)")
        #expect(seen.dropFirst(2).dropLast().allSatisfy { $0 >= 10 }, "batches: \(seen)")
        #expect(elapsed >= .milliseconds(9), "2,000 records at 200,000/s took \(elapsed)")
    }
}
