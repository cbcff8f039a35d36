// Flink's `sum` query (the KeyedSum benchmark's job, Benchmarks/KeyedSum/, whose Nexmark.swift and
// SumJob.swift, and Measure.swift, this target shares through symlinks) on each backend: dispatch, actor and sync, at
// parallelism 1 and 2. A plain executable, not a package benchmark: package-benchmark waits for
// each async iteration with a semaphore that holds one thread of Swift's cooperative pool, which
// leaves the actor backend one core (Docs/PERFORMANCE.md).
//
//   cd Benchmarks && swift run -c release SumBackendsBenchmark [--events N] [--runs K]
//
// For each backend and parallelism: one checking run (every auction's final sum must equal the
// plain loop's), one warm-up, then K measured runs (default 5); prints each run and the median
// of records/s and of CPU (process user + system time over wall time, in cores).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Flow

/// `--name value` from the command line, or `fallback`.
func option(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: "--\(name)"), index + 1 < arguments.count else { return fallback }
    guard let value = Int(arguments[index + 1].replacingOccurrences(of: "_", with: "")), value > 0 else {
        fatalError("--\(name) needs a positive integer, got '\(arguments[index + 1])'")
    }
    return value
}

let events = Int64(option("events", 10_000_000))
let runs = option("runs", 5)
let backends: [(name: String, backend: any ExecutionBackend)] = [
    ("dispatch", DispatchBackend()), ("actor", ActorBackend()), ("sync", SyncBackend()),
]
let expected = Nexmark.totals(events: events)
print("Nexmark sum, \(events) events, \(runs) measured runs per row (after a checking run and a warm-up)")
print("")
print("| Backend | p | records/s per run | median records/s | median CPU (cores) |")
print("|---|---:|---|---:|---:|")

for (name, backend) in backends {
    for p in [1, 2] {
        let sums = FinalSums()
        let checking = try sumJob(events: events, parallelism: p) { FinalSumWriter(out: sums) }
        _ = try await checking.run(on: backend)
        precondition(sums.recordCount == Int(events) && sums.value == expected,
                     "\(name) p=\(p): the final sums differ from the plain loop's")

        let count = SinkCount()
        let job = try sumJob(events: events, parallelism: p) { CountingDiscardWriter(sinkCount: count) }
        var rates: [Double] = []
        var cores: [Double] = []
        for run in 0...runs {
            count.reset()
            let cpuBefore = processCPUSeconds()
            let start = ContinuousClock.now
            _ = try await job.run(on: backend)
            let wall = seconds(ContinuousClock.now - start)
            let cpu = processCPUSeconds() - cpuBefore
            precondition(count.value == Int(events), "\(name) p=\(p): the sink counted \(count.value)")
            if run > 0 {  // run 0 is the warm-up
                rates.append(Double(events) / wall)
                cores.append(cpu / wall)
            }
        }
        let median = { (values: [Double]) in values.sorted()[values.count / 2] }
        let perRun = rates.map { String(format: "%.2f M", $0 / 1e6) }.joined(separator: ", ")
        print("| \(name) | \(p) | \(perRun) | \(String(format: "%.2f M", median(rates) / 1e6)) | \(String(format: "%.2f", median(cores))) |")
    }
}
