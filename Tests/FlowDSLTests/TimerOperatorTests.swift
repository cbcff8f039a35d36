import Flow
import FlowRuntime
import FlowTesting
import Synchronization
import Testing

/// Counts the timers an operator fired, for a test on another thread.
final class FiredCount: Sendable {
    private let value = Atomic<Int>(0)
    func add() { value.add(1, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}

/// A record asking for a timer: key `key`, due at `time` (event time, or processing time if `processing`).
struct Deadline: Sendable, Hashable {
    var key: Int
    var time: Int64
    var processing = false
}

/// Registers a timer per record (deduplicated by key and time) and emits "key@time" when it fires:
/// the contract's timers, driven by the task or the harness.
struct DeadlineEmitter: KeyedTimerOperator {
    typealias Input = Deadline
    typealias Output = String

    let key: @Sendable (Deadline) throws -> Int
    /// Counts fired timers, if given.
    var fired: FiredCount?
    var timers = TimerService<Int, EmptyNamespace>(
        keyGroups: KeyGroupRange(lowerBound: 0, upperBound: KeyGroup.defaultMaxParallelism),
        maxParallelism: KeyGroup.defaultMaxParallelism)
    var maxParallelism = KeyGroup.defaultMaxParallelism

    init(key: @escaping @Sendable (Deadline) throws -> Int = { $0.key }, fired: FiredCount? = nil) {
        self.key = key
        self.fired = fired
    }

    mutating func open(context: OperatorContext) throws {
        maxParallelism = context.maxParallelism
        timers = TimerService(keyGroups: context.keyGroupRange, maxParallelism: context.maxParallelism)
    }

    mutating func process(_ input: inout Batch<Deadline>, into output: inout Batch<String>) throws {
        for record in input.records {
            let key = try key(record)
            let group = KeyGroup(hash: key.stableHashValue, maxParallelism: maxParallelism).index
            if record.processing {
                timers.registerProcessingTimeTimer(key: key, namespace: EmptyNamespace(), keyGroup: group, at: record.time)
            } else {
                timers.registerEventTimeTimer(key: key, namespace: EmptyNamespace(), keyGroup: group, at: record.time)
            }
        }
        input.removeAll(keepingCapacity: true)
    }

    mutating func onTimer(_ timer: OperatorTimer<Int, EmptyNamespace>, domain: TimeDomain, into output: inout Batch<String>) throws {
        output.append("\(domain == .eventTime ? "" : "p")\(timer.key)@\(timer.time)", at: EventTime(milliseconds: timer.time))
        fired?.add()
    }
}

@Suite struct TimerOperatorTests {
    @Test("Event-time timers fire when the watermark passes them, in timestamp order, once each")
    func eventTimersFireInOrder() throws {
        var harness = try OperatorHarness(DeadlineEmitter())
        try harness.push([Deadline(key: 1, time: 30), Deadline(key: 2, time: 10), Deadline(key: 1, time: 30), Deadline(key: 3, time: 20)])
        try harness.pushWatermark(Watermark(EventTime(milliseconds: 15)))
        #expect(harness.takeOutput() == ["2@10"])
        try harness.pushWatermark(Watermark(EventTime(milliseconds: 30)))
        #expect(harness.takeOutput() == ["3@20", "1@30"])
        #expect(harness.forwardedWatermarks.map(\.time.milliseconds) == [15, 30])
        try harness.end()
    }

    @Test("A timer registered at or before the current watermark fires at once, after its batch")
    func pastTimerFiresAtOnce() throws {
        var harness = try OperatorHarness(DeadlineEmitter())
        try harness.pushWatermark(Watermark(EventTime(milliseconds: 100)))
        try harness.push([Deadline(key: 7, time: 50), Deadline(key: 8, time: 200)])
        #expect(harness.takeOutput() == ["7@50"])
        try harness.end()
    }

    @Test("Processing-time timers fire when the manual clock reaches them")
    func processingTimersFollowTheClock() throws {
        let clock = ManualClock()
        var harness = try OperatorHarness(DeadlineEmitter(), processingTime: ProcessingTimeService(clock, origin: 1_000))
        try harness.push([Deadline(key: 1, time: 1_500, processing: true), Deadline(key: 2, time: 1_200, processing: true)])
        #expect(harness.nextProcessingTimer == 1_200)
        try harness.advanceProcessingTime()
        #expect(harness.takeOutput().isEmpty)
        clock.advance(by: .milliseconds(250))
        try harness.advanceProcessingTime()
        #expect(harness.takeOutput() == ["p2@1200"])
        clock.advance(by: .milliseconds(250))
        try harness.advanceProcessingTime()
        #expect(harness.takeOutput() == ["p1@1500"])
        #expect(harness.nextProcessingTimer == nil)
        try harness.end()
    }

    @Test("Pending timers snapshotted at p = 2 and restored at p = 3 fire as the originals would", arguments: [1, 3])
    func timersRestoreAtAnotherParallelism(parallelism: Int) throws {
        let deadlines = (0..<200).map { Deadline(key: $0 % 37, time: Int64(($0 * 7919) % 500)) }
        var reference = try OperatorHarness(DeadlineEmitter())
        try reference.push(deadlines)
        try reference.pushWatermark(Watermark(.maximum))
        let expected = reference.takeOutput()

        var snapshots: [OperatorSnapshot] = []
        for subtask in 0..<2 {
            var harness = try OperatorHarness(DeadlineEmitter(), subtask: subtask, parallelism: 2)
            let owned = deadlines.filter {
                KeyGroup(hash: $0.key.stableHashValue, maxParallelism: KeyGroup.defaultMaxParallelism).owner(
                    parallelism: 2, maxParallelism: KeyGroup.defaultMaxParallelism) == subtask
            }
            try harness.push(owned)
            snapshots.append(try harness.pushBarrier(1))
            try harness.end()
        }
        var fired: [String] = []
        for subtask in 0..<parallelism {
            var restored = try OperatorHarness.restoring(snapshots, into: { DeadlineEmitter() }, subtask: subtask, parallelism: parallelism)
            try restored.pushWatermark(Watermark(.maximum))
            let output = restored.takeOutput()
            // Each instance fires its own timers in timestamp order.
            let times = output.map { Int64($0.split(separator: "@")[1])! }
            #expect(times == times.sorted())
            fired += output
            try restored.end()
        }
        #expect(fired.sorted() == expected.sorted())
        #expect(Set(expected).count == expected.count)
    }

    @Test("Restoring another operator's snapshot, or key groups the instance does not own, is refused")
    func badRestoreIsRefused() throws {
        // A key whose key group subtask 0 of 2 owns: its timer's state is not subtask 1's.
        let key = (0..<100).first {
            KeyGroup(of: $0, maxParallelism: KeyGroup.defaultMaxParallelism).owner(parallelism: 2, maxParallelism: KeyGroup.defaultMaxParallelism) == 0
        }!
        var harness = try OperatorHarness(DeadlineEmitter(), uid: "a")
        try harness.push([Deadline(key: key, time: 5)])
        let snapshot = try harness.snapshot(checkpoint: 3)
        var other = try OperatorHarness(DeadlineEmitter(), uid: "b")
        #expect { try other.restore(snapshot) } throws: { error in
            let error = error as? FlowError
            return error?.code == .stateRestoreFailed && error?.message.contains("'a'") == true
        }
        var narrow = try OperatorHarness(DeadlineEmitter(), uid: "a", subtask: 1, parallelism: 2)
        #expect { try narrow.restore(snapshot) } throws: { error in
            (error as? FlowError)?.code == .stateRestoreFailed
        }
        try harness.end()
    }

    @Test("A harness whose output was not read says so when it ends")
    func unreadOutputIsReported() throws {
        var harness = try OperatorHarness(DeadlineEmitter())
        try harness.push([Deadline(key: 4, time: 1)])
        try harness.pushWatermark(Watermark(EventTime(milliseconds: 1)))
        #expect { try harness.end() } throws: { error in
            (error as? UnreadOutput)?.count == 1
        }
    }

    /// Deadlines in arrival order: keys 0..<23, times that collide and arrive out of order.
    static let deadlines = (0..<300).map { Deadline(key: ($0 * 5) % 23, time: Int64(($0 * 37) % 97)) }

    /// The timers a job fires at the end of its input: one per distinct (key, time), by time, then
    /// key group, then first registration.
    static func expectedFiring() -> [String] {
        var firstSeen: [Deadline: Int] = [:]
        for (index, deadline) in deadlines.enumerated() where firstSeen[deadline] == nil { firstSeen[deadline] = index }
        let group = { (key: Int) in KeyGroup(hash: key.stableHashValue, maxParallelism: KeyGroup.defaultMaxParallelism).index }
        return firstSeen.sorted { a, b in
            (a.key.time, group(a.key.key), a.value) < (b.key.time, group(b.key.key), b.value)
        }.map { "\($0.key.key)@\($0.key.time)" }
    }

    @Test("In a job, a keyed operator's timers fire at the end-of-input watermark in the same order under every variant")
    func jobFiresTimersInOrderEverywhere() async throws {
        let out = CollectedRecords<String>()
        let expected = Self.expectedFiring()
        let results = try await ExecutionVariants.run(
            makeJob: { configuration in
                out.removeAll()
                return try Job.graph("timers", configuration: configuration) { graph in
                    graph.source(Source(Self.deadlines)).keyBy { $0.key }.transform("deadlines") { key, _ in DeadlineEmitter(key: key) }
                        .sink(.collect(into: out))
                }
            },
            collect: { out.records })
        for (variant, output) in results {
            #expect(output == expected, "\(variant)")
        }
    }
}

/// Processing-time timers in a running job, on an injected manual clock: they fire when the clock
/// passes them, while the source (an `AsyncStream` the test feeds) stays open.
@Suite(.serialized) struct ProcessingTimeJobTests {
    @Test("A keyed operator's processing-time timer fires when the manual clock passes it, on every backend", arguments: [BackendKind.sync, .dispatch, .actor])
    func manualClockFiresTimers(on kind: BackendKind) async throws {
        let clock = ManualClock()
        let (stream, feed) = AsyncStream<Deadline>.makeStream()
        let out = CollectedRecords<String>()
        let job = try Job.graph("processing time") { graph in
            graph.source(Source(stream)).keyBy { $0.key }.transform("deadlines") { key, _ in DeadlineEmitter(key: key) }
                .sink(.collect(into: out))
        }
        let run = JobExecution(
            plan: job.plan, backend: kind.defaultBackend, processingTime: ProcessingTimeService(clock, origin: 1_000),
            restoring: [:])
        let running = Task { try await run.run() }
        feed.yield(Deadline(key: 1, time: 1_500, processing: true))
        feed.yield(Deadline(key: 2, time: 1_200, processing: true))
        try await Task.sleep(for: .milliseconds(50))
        #expect(out.records.isEmpty)
        clock.advance(by: .milliseconds(300))
        let first = try await eventually { out.records == ["p2@1200"] }
        #expect(first, "got \(out.records)")
        clock.advance(by: .milliseconds(300))
        let second = try await eventually { out.records == ["p2@1200", "p1@1500"] }
        #expect(second, "got \(out.records)")
        feed.finish()
        _ = try await running.value
        #expect(out.records == ["p2@1200", "p1@1500"])
    }
}

/// Collects strings, taking `delay` per batch: a slow consumer that holds a timer sweep back.
struct SlowCollectingWriter: SinkWriter {
    let out: CollectedRecords<String>
    let delay: Duration
    let collect: AnyOperator<String, Never>

    init(out: CollectedRecords<String>, delay: Duration) {
        self.out = out
        self.delay = delay
        collect = CollectSink(into: out).makeWriter()
    }

    mutating func write(_ batch: inout Batch<String>) async throws {
        try await Task.sleep(for: delay)
        try await collect.write(&batch)
    }

    mutating func finish() async throws { try await collect.finish() }
}

@Suite(.serialized) struct TimerSweepTests {
    @Test(
        "A sweep over many due timers fires a chunk per step: the task answers its mailbox mid-sweep, and the output is complete and in order",
        arguments: [BackendKind.sync, .dispatch, .actor])
    func sweepYieldsToTheMailbox(on kind: BackendKind) async throws {
        let deadlines = (0..<3_000).map { Deadline(key: $0, time: Int64($0)) }
        let out = CollectedRecords<String>()
        let fired = FiredCount()
        let job = try Job.graph("sweep", configuration: ExecutionConfiguration(batchSize: 64)) { graph in
            graph.source(Source(deadlines)).keyBy { $0.key }.transform("deadlines") { key, _ in DeadlineEmitter(key: key, fired: fired) }
                .sink(WriterSink { SlowCollectingWriter(out: out, delay: .milliseconds(1)) })
        }
        let run = JobExecution(plan: job.plan, backend: kind.defaultBackend)
        let timerTask = try #require(run.plan.tasks.firstIndex { $0.stages.contains { $0.name == "deadlines" } })
        let running = Task { try await run.run() }
        // The end-of-input watermark starts the sweep; its first chunks reach the sink.
        let started = try await eventually { out.records.count >= 64 }
        #expect(started)
        let before = run.mailboxReport(task: timerTask, subtask: 0).handled
        run.post(.checkpointAborted(1), toTask: timerTask, subtask: 0)
        let answered = try await eventually(within: .seconds(5)) { run.mailboxReport(task: timerTask, subtask: 0).handled > before }
        let firedWhenAnswered = fired.count
        #expect(answered)
        // The sweep waits for credit between chunks: when the mailbox is served, most timers are
        // still pending (a sweep in one step would have fired all 3,000 first).
        #expect(firedWhenAnswered < deadlines.count / 2, "the mailbox was served after \(firedWhenAnswered) of \(deadlines.count) timers fired")
        _ = try await running.value
        #expect(out.records == deadlines.sorted { $0.time < $1.time }.map { "\($0.key)@\($0.time)" })
    }
}
