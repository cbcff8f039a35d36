import Flow
import Synchronization

/// Record `seq` as a ``GeneratorFunction``, so the generator's read loop inlines it.
struct ReadingGenerator: GeneratorFunction {
    func make(_ sequenceNumber: Int64) -> Reading { Reading(sequenceNumber) }
}

/// Where a run's ``ChecksumWriter`` leaves its result.
///
/// ## Concurrency
/// Written once per run by the sink's task (in `finish()`), read by the benchmark after
/// `run()` returns; guarded by a `Mutex`.
final class OutcomeBox: Sendable {
    private let state = Mutex(Outcome(count: 0, checksum: 0))

    func store(_ outcome: Outcome) { state.withLock { $0 = outcome } }
    var outcome: Outcome { state.withLock { $0 } }
}

/// The consumer of the raw benchmark as a sink: sums `value`, reports at end of input.
///
/// ## Concurrency
/// One instance per sink instance, confined to its task (``SinkWriter``).
struct ChecksumWriter: SinkWriter {
    typealias Input = Reading

    let box: OutcomeBox
    var count = 0
    var checksum: Int64 = 0

    /// - Complexity: O(batch.count), no allocation.
    mutating func write(_ batch: inout Batch<Reading>) async throws {
        checksum &+= batch.withUnsafeBuffers { records, _ in
            var sum: Int64 = 0
            for record in records { sum &+= record.value }
            return sum
        }
        count &+= batch.count
        batch.removeAll(keepingCapacity: true)
    }

    mutating func finish() async throws {
        box.store(Outcome(count: count, checksum: checksum))
    }
}

/// The raw benchmark as a job: generator → sink with chaining disabled, so the two run as two
/// tasks joined by exactly one `RingBridge`; run on the dispatch backend, each task has a thread.
func bridgeJob(records n: Int64, slots: Int, box: OutcomeBox) throws -> Job {
    let makeWriter: @Sendable () -> ChecksumWriter = { ChecksumWriter(box: box) }
    return try Job("bridge-slots-\(slots)", configuration: ExecutionConfiguration(batchSize: 1024, channelCredits: slots)) {
        Source.generator(count: n, function: ReadingGenerator())
        Sink(WriterSink(makeWriter)).disableChaining()
    }
}
