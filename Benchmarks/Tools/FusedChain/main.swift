// The fused-chain benchmark's jobs at any batch size, outside package-benchmark: for sweeping
// batch sizes (what a batch costs, what a record costs) and for profiling with perf.
//
//   cd Benchmarks && swift run -c release FusedChainSweep [typed|closures] [runs] [batch sizes…]
//
// Prints, per batch size, the best and median of `runs` runs of 10M records in ns per record, and
// the hand-written loop's, all in this process. Docs/PERFORMANCE.md (issue 2) uses it.
import Flow

let arguments = Array(CommandLine.arguments.dropFirst())
let variant = arguments.first ?? "typed"
precondition(variant == "typed" || variant == "closures", "usage: FusedChainSweep [typed|closures] [runs] [batch sizes…]")
let runs = arguments.count > 1 ? Int(arguments[1]) ?? 10 : 10
let batchSizes = arguments.count > 2 ? arguments.dropFirst(2).compactMap { Int($0) } : [64, 256, 1024, 4096, 65536]
let records: Int64 = 10_000_000

/// Nanoseconds per record of each of `runs` runs of `body`, sorted.
func timings(_ runs: Int, _ body: () async throws -> Outcome) async rethrows -> (times: [Double], outcome: Outcome) {
    var times: [Double] = []
    var outcome = Outcome(count: 0, checksum: 0)
    for _ in 0..<runs {
        let start = ContinuousClock.now
        outcome = try await body()
        let elapsed = ContinuousClock.now - start
        times.append((Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) * 1e-9) / Double(records))
    }
    return (times.sorted(), outcome)
}

func report(_ label: String, _ times: [Double], _ outcome: Outcome) {
    let best = times[0]
    let median = times[times.count / 2]
    print("\(label): best \((best * 100).rounded() / 100) ns/record (\(Int((1000 / best).rounded())) M records/s), median \((median * 100).rounded() / 100); \(outcome)")
}

let loop = await timings(runs) { handWrittenLoop(records: opaque(records)) }
report("hand-written loop", loop.times, loop.outcome)
for batchSize in batchSizes {
    let box = OutcomeBox()
    let job = variant == "typed" ? try typedFusedJob(records: records, batchSize: batchSize, box: box)
                                 : try fusedJob(records: records, batchSize: batchSize, box: box)
    let run = try await timings(runs) {
        try await job.run()
        return box.outcome
    }
    precondition(run.outcome == loop.outcome, "batch \(batchSize): \(run.outcome), loop \(loop.outcome)")
    report("Flow fused chain (\(variant)), batch \(batchSize)", run.times, run.outcome)
}
