// One bridge between two threads (Docs/PERFORMANCE.md, issue 3, bar 1).
//
// Raw: a RingBridge<Reading> between two pthreads, waits through TaskSignal as the dispatch
// backend does; batches of 1024 records, slots 1, 2, 4 (the default) and 8.
// Job: generator → sink with chaining disabled (two tasks, one bridge) on the dispatch backend.
// Same thread (diagnostic): the producer's and consumer's work without a bridge, one thread.
//
// Every iteration moves N = 20,000 batches × 1024 = 20,480,000 records. Custom metrics, per
// iteration: Records/s and Batches/s (N or batches over the iteration's wall-clock time),
// ns/batch (its inverse), credit waits (times the producer found the bridge full) and wake-ups
// (times a parked thread was woken, producer + consumer).
//
// Run: cd Benchmarks && swift package --disable-sandbox benchmark --target BridgeBenchmarks --format markdown
import Benchmark
import Flow

/// The sizes of every bridge benchmark.
enum Setup {
    static let batchSize = 1024
    static let batches = 20_000
    static let records = Int64(batches * batchSize)
    static let slotCounts = [1, 2, 4, 8]
    static let expected = Outcome.expected(records: records)
}

let recordsPerSecond = BenchmarkMetric.custom("Records/s", polarity: .prefersLarger, useScalingFactor: false)
let batchesPerSecond = BenchmarkMetric.custom("Batches/s", polarity: .prefersLarger, useScalingFactor: false)
let nanosPerBatch = BenchmarkMetric.custom("ns/batch", polarity: .prefersSmaller, useScalingFactor: false)
let creditWaits = BenchmarkMetric.custom("Credit waits", polarity: .prefersSmaller, useScalingFactor: false)
let wakeUps = BenchmarkMetric.custom("Wake-ups", polarity: .prefersSmaller, useScalingFactor: false)

/// Seconds in a duration.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// Records the rate metrics of one iteration that moved `records` records in `elapsed`.
func report(_ benchmark: Benchmark, records: Int64, elapsed: Duration) {
    let wall = seconds(elapsed)
    let batches = Double(records) / Double(Setup.batchSize)
    benchmark.measurement(recordsPerSecond, Int(Double(records) / wall))
    benchmark.measurement(batchesPerSecond, Int(batches / wall))
    benchmark.measurement(nanosPerBatch, Int(wall * 1e9 / batches))
}

/// Checks, before anything is measured, that every variant moves every record exactly once and
/// that the job is two tasks joined by one bridge. Stops the run if not.
func verifyVariants() async throws {
    let single = sameThreadRun(batches: opaque(Setup.batches), batchSize: Setup.batchSize)
    precondition(single == Setup.expected, "same thread: \(single), expected \(Setup.expected)")
    for slots in Setup.slotCounts {
        let run = rawBridgeRun(batches: opaque(Setup.batches), batchSize: Setup.batchSize, slots: slots)
        precondition(run.outcome == Setup.expected, "raw, slots \(slots): \(run.outcome), expected \(Setup.expected)")

        let box = OutcomeBox()
        let job = try bridgeJob(records: Setup.records, slots: slots, box: box)
        let explained = job.explain()
        precondition(explained.contains(": 2 tasks,") && job.plan.tasks.count == 2 && job.plan.edges.count == 1,
                     "the bridge job is not two tasks joined by one edge:\n\(explained)")
        let result = try await job.run(on: .dispatch)
        precondition(box.outcome == Setup.expected, "job, slots \(slots): \(box.outcome), expected \(Setup.expected)")
        precondition(result.metrics.edges.count == 1 && result.metrics.edges[0].recordsSent == Setup.expected.count,
                     "job, slots \(slots): not one bridge carrying every record: \(result.metrics.edges)")
        if slots == 4 { print(explained) }
    }
    print("verified: raw bridge and job at slots \(Setup.slotCounts): \(Setup.expected)")
}

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .mallocCountTotal, .peakMemoryResident,
                                      recordsPerSecond, batchesPerSecond, nanosPerBatch, creditWaits, wakeUps]
    let units: [BenchmarkMetric: BenchmarkUnits] = [recordsPerSecond: .kilo, batchesPerSecond: .count, nanosPerBatch: .count,
                                                    .mallocCountTotal: .count, creditWaits: .count, wakeUps: .count]
    let configuration = Benchmark.Configuration(metrics: metrics, units: units, warmupIterations: 1,
                                                maxDuration: .seconds(10), maxIterations: 15)

    for slots in Setup.slotCounts {
        Benchmark("Raw RingBridge, two threads, batch 1024, slots \(slots), N=20.48M", configuration: configuration) { benchmark in
            let start = ContinuousClock.now
            let run = rawBridgeRun(batches: Setup.batches, batchSize: Setup.batchSize, slots: slots)
            let elapsed = ContinuousClock.now - start
            precondition(run.outcome == Setup.expected, "raw, slots \(slots): \(run.outcome)")
            report(benchmark, records: Setup.records, elapsed: elapsed)
            benchmark.measurement(creditWaits, run.creditWaits)
            benchmark.measurement(wakeUps, run.producerWakeUps + run.consumerWakeUps)
        } setup: {
            if slots == Setup.slotCounts[0] { try await verifyVariants() }
        }
    }

    Benchmark("Same thread, no bridge (diagnostic), batch 1024, N=20.48M", configuration: configuration) { benchmark in
        let start = ContinuousClock.now
        let outcome = sameThreadRun(batches: Setup.batches, batchSize: Setup.batchSize)
        let elapsed = ContinuousClock.now - start
        precondition(outcome == Setup.expected, "same thread: \(outcome)")
        report(benchmark, records: Setup.records, elapsed: elapsed)
    }

    for slots in Setup.slotCounts {
        let box = OutcomeBox()
        let job = try! bridgeJob(records: Setup.records, slots: slots, box: box)
        Benchmark("Job generator → sink (disableChaining), dispatch, batch 1024, slots \(slots), N=20.48M",
                  configuration: configuration) { benchmark in
            let start = ContinuousClock.now
            let result = try await job.run(on: .dispatch)
            let elapsed = ContinuousClock.now - start
            precondition(box.outcome == Setup.expected, "job, slots \(slots): \(box.outcome)")
            report(benchmark, records: Setup.records, elapsed: elapsed)
            benchmark.measurement(creditWaits, result.metrics.edges.reduce(0) { $0 + $1.creditWaits })
        }
    }
}
