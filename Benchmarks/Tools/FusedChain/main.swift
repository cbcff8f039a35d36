// The fused-chain benchmark's jobs at any batch size, outside package-benchmark: for sweeping
// batch sizes (what a batch costs, what a record costs) and for profiling with perf.
//
//   cd Benchmarks && swift run -c release FusedChainSweep [typed|closures] [runs] [batch sizes…]
//   cd Benchmarks && swift run -c release FusedChainSweep [typed-stamped|closures-stamped] [runs] [batch sizes…]
//
// Prints, per batch size, the best and median of `runs` runs of 10M records in ns per record, and
// the hand-written loop's, all in this process. Docs/PERFORMANCE.md uses it. The `-stamped`
// variants run the chain with a timestamp-assigning map added and the chain without it, their runs
// alternating (so drift on a shared machine hits both alike), and print both and their ratio.
import Flow

let arguments = Array(CommandLine.arguments.dropFirst())
let variant = arguments.first ?? "typed"
let variants = ["typed", "closures", "typed-stamped", "closures-stamped"]
precondition(variants.contains(variant), "usage: FusedChainSweep [\(variants.joined(separator: "|"))] [runs] [batch sizes…]")
let runs = arguments.count > 1 ? Int(arguments[1]) ?? 10 : 10
let batchSizes = arguments.count > 2 ? arguments.dropFirst(2).compactMap { Int($0) } : [64, 256, 1024, 4096, 65536]
let records: Int64 = 10_000_000
let typed = variant.hasPrefix("typed")
let stamped = variant.hasSuffix("-stamped")

/// Nanoseconds per record of one run of `body`.
func nanosecondsPerRecord(_ body: () async throws -> Outcome) async rethrows -> (time: Double, outcome: Outcome) {
    let start = ContinuousClock.now
    let outcome = try await body()
    let elapsed = ContinuousClock.now - start
    return ((Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) * 1e-9) / Double(records), outcome)
}

/// Nanoseconds per record of each of `runs` runs of each body, the bodies' runs alternating; sorted.
func timings(_ runs: Int, _ bodies: [() async throws -> Outcome]) async throws -> [(times: [Double], outcome: Outcome)] {
    var results = bodies.map { _ in (times: [Double](), outcome: Outcome(count: 0, checksum: 0)) }
    for _ in 0..<runs {
        for (index, body) in bodies.enumerated() {
            let run = try await nanosecondsPerRecord(body)
            results[index].times.append(run.time)
            results[index].outcome = run.outcome
        }
    }
    return results.map { ($0.times.sorted(), $0.outcome) }
}

func report(_ label: String, _ times: [Double], _ outcome: Outcome) {
    let best = times[0]
    let median = times[times.count / 2]
    print("\(label): best \((best * 100).rounded() / 100) ns/record (\(Int((1000 / best).rounded())) M records/s), median \((median * 100).rounded() / 100); \(outcome)")
}

/// A job of the chosen kind (typed stages or closures), with the timestamp-assigning map or without.
func makeJob(stamping: Bool, batchSize: Int, box: OutcomeBox) throws -> Job {
    switch (typed, stamping) {
    case (true, false): try typedFusedJob(records: records, batchSize: batchSize, box: box)
    case (true, true): try typedStampedFusedJob(records: records, batchSize: batchSize, box: box)
    case (false, false): try fusedJob(records: records, batchSize: batchSize, box: box)
    case (false, true): try stampedFusedJob(records: records, batchSize: batchSize, box: box)
    }
}

let loop = try await timings(runs, [{ handWrittenLoop(records: opaque(records)) }])[0]
report("hand-written loop", loop.times, loop.outcome)
let kind = typed ? "typed" : "closures"
for batchSize in batchSizes {
    let stampings = stamped ? [false, true] : [false]
    let boxes = stampings.map { _ in OutcomeBox() }
    let jobs = try zip(stampings, boxes).map { try makeJob(stamping: $0, batchSize: batchSize, box: $1) }
    for job in jobs {
        precondition(job.plan.tasks.count == 1 && job.plan.tasks[0].loopCount == 1, "not one fused loop:\n\(job.explain())")
    }
    let bodies: [() async throws -> Outcome] = zip(jobs, boxes).map { job, box in
        { try await job.run(); return box.outcome }
    }
    let results = try await timings(runs, bodies)
    for (stamping, result) in zip(stampings, results) {
        precondition(result.outcome == loop.outcome, "batch \(batchSize): \(result.outcome), loop \(loop.outcome)")
        report("Flow fused chain (\(kind)\(stamping ? ", with AssignTimestamps" : "")), batch \(batchSize)", result.times, result.outcome)
    }
    if stamped {
        let ratio = { (index: Int) in results[1].times[index] / results[0].times[index] }
        print("  with / without AssignTimestamps, batch \(batchSize): best \((ratio(0) * 1000).rounded() / 1000), median \((ratio(runs / 2) * 1000).rounded() / 1000)")
    }
}
