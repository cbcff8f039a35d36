// Keyed running sum over Nexmark bids, Flink's `sum` query, at parallelism 1 and 2 on the
// dispatch backend (Docs/PERFORMANCE.md, issue 3, bar 2).
//
//   [bids → project] ×p ─hash(auction)─► [running-sum → discard] ×p
//
// Every iteration runs the whole job over N = 10,000,000 bids, from fresh state. Custom metrics,
// per iteration: Records/s (N over the iteration's wall-clock time), CPU (process user + system
// CPU time from getrusage over wall time, in % of one core: 200 = both cores), and each task's
// busy and backpressured share of its time (mean over its p instances, from JobResult.metrics),
// and the CPU time of Task 1's threads (read by each sink instance on its own thread at end of
// input, summed over instances, over wall time): a check on the busy shares that does not
// depend on the runtime's counters.
//
// Run: cd Benchmarks && swift package --disable-sandbox benchmark --target KeyedSumBenchmarks --format markdown
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Benchmark
import Flow

/// Sizes and prebuilt jobs.
enum Setup {
    /// Bids per iteration (the same count Flink's `run.sh sum 10000000 P off` runs).
    static let events: Int64 = 10_000_000
    static let parallelisms = [1, 2]
    static let counts = [SinkCount(), SinkCount()]
    static let jobs = parallelisms.enumerated().map { index, p in
        let count = counts[index]
        return try! sumJob(events: events, parallelism: p) { CountingDiscardWriter(sinkCount: count) }
    }
}

let recordsPerSecond = BenchmarkMetric.custom("Records/s", polarity: .prefersLarger, useScalingFactor: false)
let cpuPercent = BenchmarkMetric.custom("CPU (% of one core)", polarity: .prefersSmaller, useScalingFactor: false)
let sourceBusy = BenchmarkMetric.custom("Task 0 (bids → project) busy %", polarity: .prefersLarger, useScalingFactor: false)
let sourceBackpressured = BenchmarkMetric.custom("Task 0 (bids → project) backpressured %", polarity: .prefersSmaller, useScalingFactor: false)
let sumBusy = BenchmarkMetric.custom("Task 1 (running-sum → discard) busy %", polarity: .prefersLarger, useScalingFactor: false)
let sumBackpressured = BenchmarkMetric.custom("Task 1 (running-sum → discard) backpressured %", polarity: .prefersSmaller, useScalingFactor: false)
let sumThreadCPU = BenchmarkMetric.custom("Task 1 threads' CPU (% of one core)", polarity: .prefersSmaller, useScalingFactor: false)

/// The mean share over the instances of task `task`, in percent.
func meanShare(_ metrics: JobMetrics, task: Int, _ share: (TaskMetrics) -> Double) -> Int {
    let instances = metrics.tasks.filter { $0.task == task }
    return Int((instances.reduce(0) { $0 + share($1) } / Double(instances.count) * 100).rounded())
}

/// Checks, before anything is measured, that the job at each parallelism is the planned two
/// tasks with a hash edge and computes every auction's total exactly as the plain loop does.
func verifyJobs() async throws {
    let expected = Nexmark.totals(events: Setup.events)
    for (index, p) in Setup.parallelisms.enumerated() {
        let job = Setup.jobs[index]
        precondition(job.plan.tasks.map(\.parallelism) == [p, p] && job.plan.edges.count == 1
                     && job.plan.edges[0].partitioning.name.hasPrefix("hash"),
                     "the sum job at p=\(p) is not [bids → project] ─hash─► [running-sum → discard]:\n\(job.explain())")
        print(job.explain())

        let sums = FinalSums()
        let checking = try sumJob(events: Setup.events, parallelism: p) { FinalSumWriter(out: sums) }
        try await checking.run(on: .dispatch)
        precondition(sums.recordCount == Int(Setup.events), "p=\(p): \(sums.recordCount) records reached the sink, expected \(Setup.events)")
        precondition(sums.value == expected, "p=\(p): the final sums differ from the plain loop's (\(sums.value.count) vs \(expected.count) auctions)")

        Setup.counts[index].reset()
        let result = try await job.run(on: .dispatch)
        precondition(Setup.counts[index].value == Int(Setup.events), "p=\(p): the discard sink counted \(Setup.counts[index].value)")
        print("p=\(p), one unmeasured run: \(result.duration)\n\(result.metrics)")
    }
    print("verified: p=1 and p=2 give the plain loop's final sum for all \(expected.count) auctions and \(Setup.events) output records")
}

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .mallocCountTotal, .peakMemoryResident, recordsPerSecond, cpuPercent,
                                      sourceBusy, sourceBackpressured, sumBusy, sumBackpressured, sumThreadCPU]
    var units: [BenchmarkMetric: BenchmarkUnits] = [recordsPerSecond: .kilo, .mallocCountTotal: .count]
    for metric in [cpuPercent, sourceBusy, sourceBackpressured, sumBusy, sumBackpressured, sumThreadCPU] { units[metric] = .count }
    let configuration = Benchmark.Configuration(metrics: metrics, units: units, warmupIterations: 1,
                                                maxDuration: .seconds(30), maxIterations: 10)

    for (index, p) in Setup.parallelisms.enumerated() {
        Benchmark("Nexmark sum (keyed running sum), dispatch, parallelism \(p), N=10M", configuration: configuration) { benchmark in
            Setup.counts[index].reset()
            let cpuBefore = processCPUSeconds()
            let start = ContinuousClock.now
            let result = try await Setup.jobs[index].run(on: .dispatch)
            let wall = seconds(ContinuousClock.now - start)
            let cpu = processCPUSeconds() - cpuBefore
            precondition(Setup.counts[index].value == Int(Setup.events), "p=\(p): the sink counted \(Setup.counts[index].value)")
            benchmark.measurement(recordsPerSecond, Int(Double(Setup.events) / wall))
            benchmark.measurement(cpuPercent, Int((cpu / wall * 100).rounded()))
            benchmark.measurement(sourceBusy, meanShare(result.metrics, task: 0, \.busyShare))
            benchmark.measurement(sourceBackpressured, meanShare(result.metrics, task: 0, \.backpressuredShare))
            benchmark.measurement(sumBusy, meanShare(result.metrics, task: 1, \.busyShare))
            benchmark.measurement(sumBackpressured, meanShare(result.metrics, task: 1, \.backpressuredShare))
            benchmark.measurement(sumThreadCPU, Int((Setup.counts[index].sinkThreadCPUSeconds / wall * 100).rounded()))
        } setup: {
            if index == 0 { try await verifyJobs() }
        }
    }
}
