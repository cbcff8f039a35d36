// End-to-end latency at a fixed input rate on the dispatch backend (Docs/PERFORMANCE.md,
// issue 3, bar 3): percentiles from HdrHistogram, so a plain executable, not a package benchmark.
//
//   generator (rate-limited; stamps `created`) → scale ─hash(key)─► running-sum → latency sink
//
// Run (from the repository root):
//   cd Benchmarks && swift run -c release LatencyBenchmark
// Options: --records N (default 15,000,000)  --rate R records/s (default 1,000,000)
//          --batch B (default 1024)  --flush-us F (default 1000)  --warmup-seconds S (default 1)
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Flow
import Histogram

/// The run's settings, from the command line.
struct Options {
    var records: Int64 = 15_000_000
    var rate: Double = 1_000_000
    var batchSize = 1024
    var flushMicroseconds = 1000
    var warmUpSeconds: Double = 1

    init(_ arguments: [String]) {
        var index = 1
        while index + 1 < arguments.count {
            let value = arguments[index + 1]
            switch arguments[index] {
            case "--records": records = Int64(value.replacingOccurrences(of: "_", with: ""))!
            case "--rate": rate = Double(value.replacingOccurrences(of: "_", with: ""))!
            case "--batch": batchSize = Int(value)!
            case "--flush-us": flushMicroseconds = Int(value)!
            case "--warmup-seconds": warmUpSeconds = Double(value)!
            default: fatalError("unknown option \(arguments[index]); see the comment at the top of main.swift")
            }
            index += 2
        }
    }
}

/// The job: generator → Map → KeyBy → Reduce → latency sink, all at parallelism 1.
func latencyJob(_ options: Options, records: Int64, box: ReportBox) throws -> Job {
    let warmUp = Int64(options.warmUpSeconds * options.rate)
    let interval = 1e9 / options.rate
    let makeWriter: @Sendable () -> LatencyWriter = { LatencyWriter(box: box, warmUpRecords: warmUp, interval: interval) }
    let configuration = ExecutionConfiguration(batchSize: options.batchSize, flushTimeout: .microseconds(options.flushMicroseconds))
    return try Job("latency", configuration: configuration) {
        Source.generator(count: records, recordsPerSecond: options.rate, function: StampedGenerator()).name("stamped")
        Map { (record: Stamped) in Workload.scale(record) }.name("scale")
        KeyBy { (record: Stamped) in record.key }
        Reduce { (sum: Stamped, record: Stamped) in Workload.add(sum, record) }.name("running-sum")
        Sink(WriterSink(makeWriter)).name("latency")
    }
}

/// Stops the run unless the sink saw every record and every key's final running sum is the oracle's.
func check(_ report: LatencyReport, records: Int64, label: String) {
    precondition(report.records == Int(records), "\(label): \(report.records) records reached the sink, expected \(records)")
    precondition(report.sums == Workload.finalSums(records: records), "\(label): the final running sums differ from the plain loop's")
}

func micros(_ nanoseconds: UInt64) -> String {
    let value = Double(nanoseconds) / 1000
    return value < 100 ? String(Int((value * 10).rounded())).withDecimal : String(Int(value.rounded()))
}

extension String {
    /// "123" → "12.3".
    var withDecimal: String { count > 1 ? "\(dropLast()).\(suffix(1))" : "0.\(self)" }
}

func row(_ name: String, _ histogram: Histogram<UInt64>) -> String {
    let cells = [50.0, 90.0, 99.0, 99.9, 99.99].map { micros(histogram.valueAtPercentile($0)) } + [micros(histogram.max)]
    return "| \(name) | " + cells.joined(separator: " | ") + " | \(String(Int((histogram.mean / 1000).rounded()))) | \(histogram.totalCount) |"
}

let options = Options(CommandLine.arguments)
_ = clockOrigin  // fix the origin before any record is made

// 1. Verify (not measured): a short run of the same job must deliver every record and the oracle's sums.
let verifyRecords: Int64 = 300_000
let verifyBox = ReportBox()
try await latencyJob(options, records: verifyRecords, box: verifyBox).run(on: .dispatch)
check(verifyBox.report, records: verifyRecords, label: "verification run")
let job = try latencyJob(options, records: options.records, box: ReportBox())
precondition(job.plan.tasks.count == 2 && job.plan.edges.count == 1 && job.plan.edges[0].partitioning.name.hasPrefix("hash"),
             "the latency job is not [generator → scale] ─hash─► [running-sum → sink]:\n\(job.explain())")
print(job.explain())
print("verified: \(verifyRecords) records, final running sums equal the plain loop's")

// 2. Measure.
let box = ReportBox()
let measured = try latencyJob(options, records: options.records, box: box)
let cpuBefore = processCPUSeconds()
let result = try await measured.run(on: .dispatch)
let cpu = processCPUSeconds() - cpuBefore
let report = box.report
check(report, records: options.records, label: "measured run")

let wall = seconds(result.duration)
let generationSeconds = Double(report.lastCreated - report.firstCreated) / 1e9
print("""

records \(options.records), target rate \(Int(options.rate))/s, batch \(options.batchSize), flush timeout \(options.flushMicroseconds) µs, \
warm-up \(options.warmUpSeconds) s (\(Int64(options.warmUpSeconds * options.rate)) records not measured)
job duration \(String(format: "%.3f", wall)) s; achieved rate: \(Int(Double(options.records - 1) / generationSeconds)) records/s \
(record 0 to the last record made), \(Int(Double(options.records) / wall)) records/s (whole job)
CPU: \(String(format: "%.2f", cpu)) s over \(String(format: "%.2f", wall)) s = \(String(format: "%.2f", cpu / wall)) cores
sink: \(report.batches) batches, mean \(report.records / Swift.max(1, report.batches)) records per batch

| Latency (µs) | p50 | p90 | p99 | p99.9 | p99.99 | max | mean | records |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
\(row("created → sink (end to end)", report.endToEnd))
\(row("due → sink (from the source's schedule, diagnostic)", report.fromSchedule))

\(result.metrics)
""")
