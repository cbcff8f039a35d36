// How long a task takes to handle an action posted to its mailbox, from the post to the
// handling, on a busy task (a source making records as fast as it can, into a map and a sink),
// on an idle one (a source making one record a second), and on a task sweeping 2M due event-time
// timers (over 1M keys, fired by the end-of-input watermark), on each backend: p50 and p99 of
// `samples` posts, one at a time (fewer for the sweep, which ends).
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

/// Registers an event-time timer per record (key n, at time n mod 1000 and 1000 + n mod 1000) and
/// emits the key when one fires.
struct TwoTimersPerKey: KeyedTimerOperator {
    typealias Input = Int64
    typealias Output = Int64
    let key: @Sendable (Int64) throws -> Int64
    var timers = TimerService<Int64, EmptyNamespace>(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: 128), maxParallelism: 128)
    var maxParallelism = 128

    mutating func open(context: OperatorContext) throws {
        maxParallelism = context.maxParallelism
        timers = TimerService(keyGroups: context.keyGroupRange, maxParallelism: context.maxParallelism)
    }

    mutating func process(_ input: inout Batch<Int64>, into output: inout Batch<Int64>) throws {
        for record in input.records {
            let key = try key(record)
            let group = KeyGroup(hash: key.stableHashValue, maxParallelism: maxParallelism).index
            timers.registerEventTimeTimer(key: key, namespace: EmptyNamespace(), keyGroup: group, at: record % 1000)
            timers.registerEventTimeTimer(key: key, namespace: EmptyNamespace(), keyGroup: group, at: 1000 + record % 1000)
        }
        input.removeAll(keepingCapacity: true)
    }

    mutating func onTimer(_ timer: OperatorTimer<Int64, EmptyNamespace>, domain: TimeDomain, into output: inout Batch<Int64>) throws {
        output.append(timer.key, at: EventTime(milliseconds: timer.time))
    }
}

func sweepJob() throws -> Job {
    try Job.graph("sweep") { graph in
        graph.source(Source.generator(count: 1_000_000) { $0 }).keyBy { $0 }.transform("timers") { key, _ in TwoTimersPerKey(key: key) }
            .sink(.discard)
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
    // Sweeping: post while the timer task fires (its output counts up), until the job ends.
    let run = JobExecution(plan: try sweepJob().plan, backend: kind.defaultBackend)
    let timerTask = run.plan.tasks.firstIndex { $0.stages.contains { $0.name == "timers" } }!
    let running = Task { try await run.run() }
    let fired = { run.metrics().stages.first { $0.name == "timers" }?.recordsOut ?? 0 }
    while fired() == 0 { try await Task.sleep(for: .milliseconds(1)) }
    var latencies: [Int64] = []
    var index: Int64 = 0
    while fired() < 1_900_000 {
        let before = run.mailboxReport(task: timerTask, subtask: 0).handled
        run.post(.checkpointAborted(index), toTask: timerTask, subtask: 0)
        index += 1
        while run.mailboxReport(task: timerTask, subtask: 0).handled == before { await Task.yield() }
        latencies.append(run.mailboxReport(task: timerTask, subtask: 0).lastLatencyNanoseconds)
        try await Task.sleep(for: .microseconds(200))
    }
    _ = try await running.value
    latencies.sort()
    let label = "\(kind)".padding(toLength: 9, withPad: " ", startingAt: 0)
    print("\(label) sweep  \(latencies.count)   \(String(format: "%8.1f   %8.1f   %8.1f", percentile(latencies, 0.5), percentile(latencies, 0.99), Double(latencies.last!) / 1000))")
}
