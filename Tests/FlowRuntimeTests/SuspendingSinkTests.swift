import FlowCore
import Flow
import FlowRuntime
import Synchronization
import Testing

/// What a sink was told, in order.
private final class SinkLog: Sendable {
    enum Entry: Equatable {
        case write([Int64])
        case watermark(Int64)
        case preCommit(Int64)
        case commit(Int64)
        case finish
    }

    private let entries = FlowMutex<[Entry]>([])  // protected by its own lock

    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
    var all: [Entry] { entries.withLock { $0 } }
    var written: Int { entries.withLock { $0.reduce(0) { count, entry in if case .write(let records) = entry { count + records.count } else { count } } } }
}

/// A writer that cannot write without suspending (no `writeImmediately`): every batch it is given
/// waits for its task to await the write.
private struct SuspendingWriter: SinkWriter {
    let log: SinkLog

    mutating func write(_ batch: inout Batch<Int64>) async throws {
        try await Task.sleep(for: .microseconds(200))
        log.append(.write(Array(batch.records)))
        batch.removeAll(keepingCapacity: true)
    }

    mutating func processWatermark(_ watermark: Watermark) async throws { log.append(.watermark(watermark.time.milliseconds)) }
    mutating func preCommit(checkpoint id: Int64) async throws { log.append(.preCommit(id)) }
    mutating func commit(checkpoint id: Int64) async throws { log.append(.commit(id)) }
    mutating func finish() async throws { log.append(.finish) }
}

/// A sink whose writes suspend: the task awaits each write before it reads more (backpressure),
/// and everything after a batch (a barrier's pre-commit, a watermark, the end) waits for its write,
/// on every backend.
extension PoolTimingTests {
    @Suite struct SuspendingSinkTests {
        @Test(
            "Writes that suspend keep order and bound what the source reads ahead; the pre-commit follows exactly the records before the barrier",
            arguments: [BackendKind.sync, .dispatch, .actor])
        func suspendingWritesKeepOrder(on kind: BackendKind) async throws {
            let log = SinkLog()
            let count: Int64 = 100_000
            let job = try Job("suspending sink") {
                Source.generator(count: count, recordsPerSecond: nil) { $0 }.uid("numbers")
                Map { (n: Int64) in n * 2 }
                Sink(WriterSink(kind: "Suspending") { SuspendingWriter(log: log) }).uid("out")
            }
            let run = JobExecution(plan: job.plan, backend: kind.defaultBackend)
            #expect(run.plan.tasks.count == 1, "the source, the map and the sink run in one task")
            let batchSize = run.plan.configuration.batchSize
            let running = Task { try await run.run() }
            // While it runs, the source is never more than one batch ahead of the sink: the task reads
            // nothing while a write waits.
            var samples = 0
            var aheadMost = 0
            while samples < 50 {
                let made = Int(run.metrics().stages.first { $0.uid == "numbers" }?.recordsOut ?? 0)
                let ahead = made - log.written
                aheadMost = max(aheadMost, ahead)
                samples += 1
                if made >= 4_000 { break }
                try await Task.sleep(for: .milliseconds(1))
            }
            run.post(.triggerCheckpoint(1), toTask: 0, subtask: 0)
            let cut = await eventually { run.snapshots(of: 1)["out"]?.count == 1 }
            #expect(cut, "the sink did not acknowledge the barrier with a snapshot")
            run.post(.checkpointComplete(1), toTask: 0, subtask: 0)
            _ = try await running.value

            #expect(aheadMost <= batchSize, "the source read \(aheadMost) records ahead of the sink's writes")
            let position = try #require(run.snapshots(of: 1)["numbers"]?.first?.splits.first?.position)
            let entries = log.all
            let records = entries.flatMap { entry -> [Int64] in if case .write(let records) = entry { records } else { [] } }
            #expect(records == (0..<count).map { $0 * 2 }, "every record once, in order")
            let preCommit = try #require(entries.firstIndex(of: .preCommit(1)))
            let before = entries[..<preCommit].reduce(0) { count, entry in if case .write(let records) = entry { count + records.count } else { count } }
            #expect(Int64(before) == position, "\(before) records written before the pre-commit, the barrier came after \(position)")
            let commit = try #require(entries.firstIndex(of: .commit(1)))
            #expect(commit > preCommit)
            // The final watermark and the end come after the last write.
            #expect(Array(entries.suffix(2)) == [.watermark(Int64.max), .finish])
        }
    }
}
