// How long a task takes to handle an action posted to its mailbox, from the post to the
// handling, on a busy task (a source making records as fast as it can, into a map and a sink)
// and on an idle one (a source making one record a second), on each backend: p50 and p99 of
// `samples` posts, one at a time.
//
//   swift run -c release MailboxLatency [samples]
import Flow

let samples = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 500

/// A job whose source task is busy (`busy`) or idle.
func job(busy: Bool) throws -> Job {
    try Job(busy ? "busy" : "idle") {
        Source.generator(count: nil, recordsPerSecond: busy ? nil : 1) { $0 }
        Map { (n: Int64) in n &* 3 }
        Sink(.discard)
    }
}

func percentile(_ sorted: [Int64], _ p: Double) -> Double {
    Double(sorted[Swift.min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
}

print("backend   task   samples   p50 µs   p99 µs   max µs")
for kind in [BackendKind.dispatch, .actor, .sync] {
    for busy in [true, false] {
        let run = JobExecution(plan: try job(busy: busy).plan, backend: kind.defaultBackend)
        let running = Task { try await run.run() }
        try await Task.sleep(for: .milliseconds(200))
        var latencies: [Int64] = []
        for index in 0..<samples {
            let before = run.mailboxReport(task: 0, subtask: 0).handled
            run.post(.checkpointAborted(Int64(index)), toTask: 0, subtask: 0)
            let deadline = ContinuousClock.now + .seconds(5)
            while run.mailboxReport(task: 0, subtask: 0).handled == before {
                if ContinuousClock.now > deadline { fatalError("task 0 did not handle action \(index) on \(kind) within 5 s") }
                await Task.yield()
            }
            latencies.append(run.mailboxReport(task: 0, subtask: 0).lastLatencyNanoseconds)
            try await Task.sleep(for: .microseconds(200))
        }
        run.cancel()
        _ = try? await running.value
        latencies.sort()
        let label = "\(kind)".padding(toLength: 9, withPad: " ", startingAt: 0)
        print("\(label) \(busy ? "busy" : "idle")   \(samples)   \(String(format: "%8.1f   %8.1f   %8.1f", percentile(latencies, 0.5), percentile(latencies, 0.99), Double(latencies.last!) / 1000))")
    }
}
