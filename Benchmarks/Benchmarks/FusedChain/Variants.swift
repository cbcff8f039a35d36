import Flow
import Synchronization

// MARK: Hand-written loop

/// The pipeline as one plain loop: the ceiling a fused chain is measured against.
///
/// - Complexity: O(n), no allocation.
func handWrittenLoop(records n: Int64) -> Outcome {
    var count = 0
    var checksum: Int64 = 0
    var seq: Int64 = 0
    while seq < n {
        let scaled = Workload.scale(Workload.reading(seq))
        if Workload.keep(scaled) {
            checksum &+= Workload.digest(scaled)
            count &+= 1
        }
        seq &+= 1
    }
    return Outcome(count: count, checksum: checksum)
}

// MARK: Hand-written loop through closures (diagnostic)

/// The four stage functions as stored `@Sendable` closures of the same types Flow stores
/// (`(Input) throws -> Output`), so the optimizer cannot inline them.
struct StageClosures: Sendable {
    let reading: @Sendable (Int64) -> Reading
    let scale: @Sendable (Reading) throws -> Scaled
    let keep: @Sendable (Scaled) throws -> Bool
    let digest: @Sendable (Scaled) throws -> Int64

    /// Made behind an `@inline(never)` wall so the closures stay opaque at the call sites.
    @inline(never)
    static func make() -> StageClosures {
        StageClosures(reading: { Workload.reading($0) }, scale: { Workload.scale($0) },
                      keep: { Workload.keep($0) }, digest: { Workload.digest($0) })
    }
}

/// The hand-written loop, but calling the stage functions through closures: the floor for any
/// engine that stores user closures and calls them once per record, without batches.
///
/// - Complexity: O(n), no allocation; four indirect calls per record.
func closureLoop(records n: Int64, stages: StageClosures) throws -> Outcome {
    var count = 0
    var checksum: Int64 = 0
    var seq: Int64 = 0
    while seq < n {
        let scaled = try stages.scale(stages.reading(seq))
        if try stages.keep(scaled) {
            checksum &+= try stages.digest(scaled)
            count &+= 1
        }
        seq &+= 1
    }
    return Outcome(count: count, checksum: checksum)
}

// MARK: AsyncStream pipeline

/// The pipeline split over two tasks joined by an `AsyncStream`: the producer task generates and
/// yields each record (`.unbounded`), the consumer runs map → filter → map → checksum in `for await`.
///
/// - Complexity: O(n); per record one `yield` and one `next()` (a lock each, and a continuation
///   resume whenever the consumer had caught up).
func asyncStreamPipeline(records n: Int64) async -> Outcome {
    let (stream, continuation) = AsyncStream.makeStream(of: Reading.self, bufferingPolicy: .unbounded)
    let producer = Task {
        var seq: Int64 = 0
        while seq < n {
            continuation.yield(Workload.reading(seq))
            seq &+= 1
        }
        continuation.finish()
    }
    var count = 0
    var checksum: Int64 = 0
    for await reading in stream {
        let scaled = Workload.scale(reading)
        if Workload.keep(scaled) {
            checksum &+= Workload.digest(scaled)
            count &+= 1
        }
    }
    await producer.value
    return Outcome(count: count, checksum: checksum)
}

// MARK: Flow fused chain

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

/// A sink that adds every record into a checksum and reports it when the input ends.
///
/// ## Concurrency
/// One instance per sink instance, confined to its task (``SinkWriter``).
struct ChecksumWriter: SinkWriter {
    typealias Input = Int64

    let box: OutcomeBox
    var count = 0
    var checksum: Int64 = 0

    /// - Complexity: O(batch.count), no allocation.
    mutating func write(_ batch: inout Batch<Int64>) async throws {
        _ = writeImmediately(&batch)
    }

    /// Never suspends, so the task calls it without an async call.
    mutating func writeImmediately(_ batch: inout Batch<Int64>) -> Bool {
        var sum = checksum
        batch.withUnsafeBuffers { records, _ in
            for record in records { sum &+= record }
        }
        checksum = sum
        count += batch.count
        batch.removeAll(keepingCapacity: true)
        return true
    }

    mutating func finish() async throws {
        box.store(Outcome(count: count, checksum: checksum))
    }
}

/// The pipeline as a Flow job: generator source → Map → Filter → Map → checksum sink, all fused
/// into one task on the sync backend.
func fusedJob(records n: Int64, batchSize: Int = 1024, box: OutcomeBox) throws -> Job {
    let makeWriter: @Sendable () -> ChecksumWriter = { ChecksumWriter(box: box) }
    return try Job("fused-chain", configuration: ExecutionConfiguration(batchSize: batchSize)) {
        Source.generator(count: n) { (seq: Int64) in Workload.reading(seq) }
        Map { (reading: Reading) in Workload.scale(reading) }
        Filter { (scaled: Scaled) in Workload.keep(scaled) }
        Map { (scaled: Scaled) in Workload.digest(scaled) }
        Sink(WriterSink(makeWriter))
    }
}

/// ``fusedJob(records:batchSize:box:)`` with a timestamp-assigning map after the first map
/// (each record's event time from its `time` field): the cost of stamping inside a fused chain.
func stampedFusedJob(records n: Int64, batchSize: Int = 1024, box: OutcomeBox) throws -> Job {
    let makeWriter: @Sendable () -> ChecksumWriter = { ChecksumWriter(box: box) }
    return try Job("fused-chain-stamped", configuration: ExecutionConfiguration(batchSize: batchSize)) {
        Source.generator(count: n) { (seq: Int64) in Workload.reading(seq) }
        Map { (reading: Reading) in Workload.scale(reading) }
        AssignTimestamps { (scaled: Scaled) in EventTime(milliseconds: Workload.eventTime(scaled)) }
        Filter { (scaled: Scaled) in Workload.keep(scaled) }
        Map { (scaled: Scaled) in Workload.digest(scaled) }
        Sink(WriterSink(makeWriter))
    }
}

// MARK: Flow fused chain, stages written as types

/// The workload's functions as types (`MapFunction`, `FilterFunction`, `GeneratorFunction`), so
/// the compiler can inline them into Flow's fused loop as it does into the hand-written loop.
struct ReadingGenerator: GeneratorFunction {
    func make(_ sequenceNumber: Int64) -> Reading { Workload.reading(sequenceNumber) }
}

struct ScaleFunction: MapFunction {
    func map(_ input: Reading) -> Scaled { Workload.scale(input) }
}

struct KeepFunction: FilterFunction {
    func isIncluded(_ element: Scaled) -> Bool { Workload.keep(element) }
}

struct DigestFunction: MapFunction {
    func map(_ input: Scaled) -> Int64 { Workload.digest(input) }
}

struct EventTimeFunction: TimestampAssigner {
    func timestamp(of element: Scaled) -> EventTime { EventTime(milliseconds: Workload.eventTime(element)) }
}

/// The same job with typed stages: generator → MapWith → FilterWith → MapWith → checksum sink.
func typedFusedJob(records n: Int64, batchSize: Int = 1024, box: OutcomeBox) throws -> Job {
    let makeWriter: @Sendable () -> ChecksumWriter = { ChecksumWriter(box: box) }
    return try Job("fused-chain-typed", configuration: ExecutionConfiguration(batchSize: batchSize)) {
        Source.generator(count: n, function: ReadingGenerator())
        MapWith(ScaleFunction())
        FilterWith(KeepFunction())
        MapWith(DigestFunction())
        Sink(WriterSink(makeWriter))
    }
}

/// ``typedFusedJob(records:batchSize:box:)`` with a timestamp-assigning map as a type after the
/// first map: generator → MapWith → AssignTimestampsWith → FilterWith → MapWith → checksum sink.
func typedStampedFusedJob(records n: Int64, batchSize: Int = 1024, box: OutcomeBox) throws -> Job {
    let makeWriter: @Sendable () -> ChecksumWriter = { ChecksumWriter(box: box) }
    return try Job("fused-chain-typed-stamped", configuration: ExecutionConfiguration(batchSize: batchSize)) {
        Source.generator(count: n, function: ReadingGenerator())
        MapWith(ScaleFunction())
        AssignTimestampsWith(EventTimeFunction())
        FilterWith(KeepFunction())
        MapWith(DigestFunction())
        Sink(WriterSink(makeWriter))
    }
}
