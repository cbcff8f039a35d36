// Fused chain vs hand-written loop vs AsyncStream (Docs/PERFORMANCE.md, issue 2), and the chain
// with a timestamp-assigning map added, whose bar is within 5 % of the chain without it.
//
// Every benchmark iteration runs the whole pipeline over N records; the custom metric
// "Records/s" is N divided by that iteration's wall-clock time. The fused chain and the loops
// run N = 10,000,000; the AsyncStream pipeline, ~60x slower, runs N = 1,000,000.
//
// Run: cd Benchmarks && swift package --disable-sandbox benchmark --format markdown
import Benchmark
import Flow

/// The record counts and prebuilt jobs of the benchmarks.
enum Setup {
    /// Records per iteration for the fused chain and the loops.
    static let records: Int64 = 10_000_000
    /// Records per iteration for the AsyncStream pipeline.
    static let asyncStreamRecords: Int64 = 1_000_000

    static let box1024 = OutcomeBox()
    static let box64 = OutcomeBox()
    static let box4096 = OutcomeBox()
    // Jobs are built once; every `run()` makes fresh operators.
    static let job1024 = try! fusedJob(records: records, batchSize: 1024, box: box1024)
    static let job64 = try! fusedJob(records: records, batchSize: 64, box: box64)
    static let job4096 = try! fusedJob(records: records, batchSize: 4096, box: box4096)
    static let boxTyped = OutcomeBox()
    static let jobTyped = try! typedFusedJob(records: records, batchSize: 1024, box: boxTyped)
    static let boxStamped = OutcomeBox()
    static let jobStamped = try! stampedFusedJob(records: records, batchSize: 1024, box: boxStamped)
    static let boxTypedStamped = OutcomeBox()
    static let jobTypedStamped = try! typedStampedFusedJob(records: records, batchSize: 1024, box: boxTypedStamped)
    static let closures = StageClosures.make()
}

/// Records per second of one iteration, reported per iteration.
let recordsPerSecond = BenchmarkMetric.custom("Records/s", polarity: .prefersLarger, useScalingFactor: false)

/// Checks, outside any measured region, that every variant computes the same result and that
/// the Flow job is one fused task. Stops the run if not.
func verifyVariants() async throws {
    for job in [Setup.job1024, Setup.job64, Setup.job4096, Setup.jobTyped] {
        precondition(job.plan.tasks.count == 1 && job.plan.tasks[0].stages.count == 5 && job.plan.tasks[0].sourceStageCount == 4
                     && job.plan.tasks[0].loopCount == 1,
                     "the benchmark job is not one task whose source pushes through all three stages:\n\(job.explain())")
    }
    for job in [Setup.jobStamped, Setup.jobTypedStamped] {
        precondition(job.plan.tasks.count == 1 && job.plan.tasks[0].stages.count == 6 && job.plan.tasks[0].sourceStageCount == 5
                     && job.plan.tasks[0].loopCount == 1,
                     "the stamped benchmark job is not one task whose source pushes through all four stages:\n\(job.explain())")
    }
    print(Setup.job1024.explain())

    // All variants at N = 1M (the AsyncStream size).
    let small = Setup.asyncStreamRecords
    let loopSmall = handWrittenLoop(records: opaque(small))
    let streamSmall = await asyncStreamPipeline(records: small)
    let closureSmall = try closureLoop(records: opaque(small), stages: Setup.closures)
    let box = OutcomeBox()
    try await fusedJob(records: small, box: box).run()
    let fusedSmall = box.outcome
    precondition(loopSmall == streamSmall && loopSmall == closureSmall && loopSmall == fusedSmall,
                 "N=\(small): loop \(loopSmall), AsyncStream \(streamSmall), closures \(closureSmall), fused \(fusedSmall)")

    // The fused chain at every batch size against the loop at N = 10M.
    let loop = handWrittenLoop(records: opaque(Setup.records))
    for (job, box) in [(Setup.job1024, Setup.box1024), (Setup.job64, Setup.box64), (Setup.job4096, Setup.box4096),
                       (Setup.jobTyped, Setup.boxTyped), (Setup.jobStamped, Setup.boxStamped),
                       (Setup.jobTypedStamped, Setup.boxTypedStamped)] {
        try await job.run()
        precondition(box.outcome == loop, "N=\(Setup.records) batch \(job.configuration.batchSize): fused \(box.outcome), loop \(loop)")
    }
    print("verified: N=\(small): \(loopSmall) in all variants; N=\(Setup.records): \(loop) in loop and fused (batch 64/1024/4096, typed stages, with a timestamp-assigning map)")
}

/// Runs `body` once as a measured iteration of `records` records, and records its rate.
@inline(__always)
func measured(_ benchmark: Benchmark, records: Int64, _ body: () async throws -> Outcome) async rethrows {
    let start = ContinuousClock.now
    let outcome = try await body()
    let elapsed = ContinuousClock.now - start
    blackHole(outcome)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    benchmark.measurement(recordsPerSecond, Int(Double(records) / seconds))
}

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident, recordsPerSecond]
    // Records/s in thousands and mallocs as plain counts, so the tables keep enough digits.
    let units: [BenchmarkMetric: BenchmarkUnits] = [recordsPerSecond: .kilo, .mallocCountTotal: .count]
    let large = Benchmark.Configuration(metrics: metrics, units: units, warmupIterations: 1,
                                        maxDuration: .seconds(10), maxIterations: 15)
    let small = Benchmark.Configuration(metrics: metrics, units: units, warmupIterations: 1,
                                        maxDuration: .seconds(15), maxIterations: 6)

    Benchmark("Flow fused chain (sync backend), batch 1024, N=10M", configuration: large) { benchmark in
        try await measured(benchmark, records: Setup.records) {
            try await Setup.job1024.run()
            return Setup.box1024.outcome
        }
    } setup: {
        try await verifyVariants()
    }

    Benchmark("Flow fused chain, stages as types (sync backend), batch 1024, N=10M", configuration: large) { benchmark in
        try await measured(benchmark, records: Setup.records) {
            try await Setup.jobTyped.run()
            return Setup.boxTyped.outcome
        }
    }

    Benchmark("Flow fused chain with AssignTimestamps (sync backend), batch 1024, N=10M", configuration: large) { benchmark in
        try await measured(benchmark, records: Setup.records) {
            try await Setup.jobStamped.run()
            return Setup.boxStamped.outcome
        }
    }

    Benchmark("Flow fused chain with AssignTimestamps, stages as types (sync backend), batch 1024, N=10M", configuration: large) { benchmark in
        try await measured(benchmark, records: Setup.records) {
            try await Setup.jobTypedStamped.run()
            return Setup.boxTypedStamped.outcome
        }
    }

    Benchmark("Flow fused chain (sync backend), batch 64, N=10M", configuration: large) { benchmark in
        try await measured(benchmark, records: Setup.records) {
            try await Setup.job64.run()
            return Setup.box64.outcome
        }
    }

    Benchmark("Flow fused chain (sync backend), batch 4096, N=10M", configuration: large) { benchmark in
        try await measured(benchmark, records: Setup.records) {
            try await Setup.job4096.run()
            return Setup.box4096.outcome
        }
    }

    Benchmark("Hand-written loop, N=10M", configuration: large) { benchmark in
        await measured(benchmark, records: Setup.records) {
            handWrittenLoop(records: opaque(Setup.records))
        }
    }

    Benchmark("Hand-written loop through closures (diagnostic), N=10M", configuration: large) { benchmark in
        try await measured(benchmark, records: Setup.records) {
            try closureLoop(records: opaque(Setup.records), stages: Setup.closures)
        }
    }

    Benchmark("AsyncStream pipeline, N=1M", configuration: small) { benchmark in
        await measured(benchmark, records: Setup.asyncStreamRecords) {
            await asyncStreamPipeline(records: Setup.asyncStreamRecords)
        }
    }
}
