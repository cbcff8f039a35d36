// A live job run as a service of a swift-service-lifecycle ServiceGroup: an endless generator
// doubles numbers into a counting sink until the process gets SIGTERM (or SIGINT, Ctrl-C). The
// group's graceful shutdown then stops the job with drain: the source ends after what it has
// read, the job finishes what is in flight, and the sink has written every record the source
// made. See README.md here for how to run it and what it prints.
import Flow
import FlowServiceLifecycle
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many records the sink has written.
final class Written: Sendable {
    let count = Atomic<Int>(0)
}

/// Counts what it is given.
struct CountingWriter: SinkWriter {
    let written: Written

    mutating func writeImmediately(_ batch: inout Batch<Int64>) throws -> Bool {
        written.count.add(batch.count, ordering: .relaxed)
        batch.removeAll(keepingCapacity: true)
        return true
    }

    mutating func write(_ batch: inout Batch<Int64>) async throws { _ = try writeImmediately(&batch) }
}

/// Prints a line at once (standard output may be a pipe, which buffers).
func say(_ line: String) {
    print(line)
    fflush(nil)  // every output stream (naming `stdout` is not concurrency-safe in Swift 6)
}

let written = Written()
let job = try Job("service-job") {
    Source.generator(count: nil, recordsPerSecond: 50_000) { $0 }.uid("numbers")
    Map { (n: Int64) in n * 2 }.uid("double")
    Sink(WriterSink(kind: "Counter") { CountingWriter(written: written) }).uid("count")
}
var logger = Logger(label: "service-job")
logger.logLevel = .info
let handle = Mutex<JobHandle?>(nil)
let service = JobService(job, on: .dispatch, logger: logger) { started in
    handle.withLock { $0 = started }
    say("running: send SIGTERM or press Ctrl-C to stop")
}
let group = ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
// `--max-seconds N`: shut down gracefully after N seconds even without a signal (a test that starts
// this process passes it, so the process cannot outlive a test that died).
let arguments = CommandLine.arguments
if let flag = arguments.firstIndex(of: "--max-seconds"), flag + 1 < arguments.count, let seconds = Int(arguments[flag + 1]) {
    Task {
        try await Task.sleep(for: .seconds(seconds))
        say("max-seconds reached: shutting down")
        await group.triggerGracefulShutdown()
    }
}
try await group.run()

let made = handle.withLock { $0 }?.metrics().stages.first { $0.uid == "numbers" }?.recordsOut ?? -1
say("drained: the source made \(made) records, the sink wrote \(written.count.load(ordering: .relaxed))")
