// 1 MiB strings through a keyed exchange into a slow sink: the process's peak resident memory.
// One job per process, so getrusage's peak is that job's.
//
//   swift run -c release BigRecordsBenchmark [parallelism] [records] [sink µs per record]
//
// Prints one line: parallelism, records, seconds, peak resident MiB, and the bridges' counts.
import Flow

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let parallelism = arguments.count > 0 ? arguments[0] : 1
let records = arguments.count > 1 ? arguments[1] : 6_000
let sinkMicroseconds = arguments.count > 2 ? arguments[2] : 200
let payload = 1 << 20

/// Takes `sinkMicroseconds` per record: a sink slower than the source.
struct SlowSink: SinkWriter {
    mutating func write(_ batch: inout Batch<String>) async throws {
        var bytes = 0
        for record in batch.records { bytes &+= record.utf8.count }
        precondition(bytes == batch.count * payload, "a record is not 1 MiB")
        try await Task.sleep(for: .microseconds(sinkMicroseconds * batch.count))
        batch.removeAll(keepingCapacity: true)
    }
}

let job = try Job("big-records", configuration: ExecutionConfiguration(defaultParallelism: parallelism)) {
    Source.generator(count: Int64(records)) { (n: Int64) in
        // Each record its own buffer: a copy of one string would share it.
        String(unsafeUninitializedCapacity: payload) { buffer in
            buffer.initialize(repeating: UInt8(97 + n % 8))
            return payload
        }
    }
    KeyBy { (text: String) in text.utf8.first! }
    Reduce { (_: String, latest: String) in latest }
    Sink(WriterSink { SlowSink() })
}
let before = peakResidentMiB()
let clock = ContinuousClock()
var result: JobResult?
let elapsed = try await clock.measure { result = try await job.run(on: .dispatch) }
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
print("p=\(parallelism) records=\(records) (\(records) MiB) seconds=\(String(format: "%.2f", seconds)) "
      + "peak-resident-MiB=\(Int(peakResidentMiB())) (before the run \(Int(before)))")
for edge in result!.metrics.edges { print("  \(edge)") }
