import Flow
import FlowRuntime
import Synchronization
import FlowTesting
import Testing

/// The task loop's mailbox: actions posted to a running task are handled at its next step, on a
/// busy task and an idle one, on every backend; a checkpoint triggered through it cuts the job's
/// state (source positions, keyed state) so that a run resumed from it gives the same result.
extension PoolTimingTests {
    @Suite struct MailboxTests {
        static let backends: [BackendKind] = [.sync, .dispatch, .actor]

        private static let count: Int64 = 40_000

        /// Numbers 0..<count at a rate (so a checkpoint lands mid-stream), summed per key n mod 10.
        private static func sumJob(into results: CollectedRecords<Keyed<Int64, Int64>>, parallelism: Int, rate: Double?) throws -> Job {
            try Job("checkpointed sum") {
                Source.generator(count: count, recordsPerSecond: rate) { $0 }.uid("numbers")
                KeyBy { (n: Int64) in n % 10 }
                Aggregate.sum { (n: Int64) in n }.uid("sum").parallelism(parallelism)
                Sink(.collect(into: results, transactional: true)).parallelism(parallelism)
            }
        }

        @Test(
            "A checkpoint triggered through the source task's mailbox cuts positions and keyed state; resuming at p = 3 ends with the same sums",
            arguments: backends)
        func checkpointThroughMailbox(on kind: BackendKind) async throws {
            let first = CollectedRecords<Keyed<Int64, Int64>>()
            let run = JobExecution(plan: try Self.sumJob(into: first, parallelism: 2, rate: 50_000).plan, backend: kind.defaultBackend)
            let running = Task { try await run.run() }
            // Mid-stream: once the source has made some records (it makes 50,000 a second).
            let started = await eventually { (run.metrics().stages.first { $0.uid == "numbers" }?.recordsOut ?? 0) >= 2_000 }
            #expect(started)
            run.post(.triggerCheckpoint(1), toTask: 0, subtask: 0)
            let cut = await eventually { run.snapshots(of: 1)["sum"]?.count == 2 }
            #expect(cut, "the barrier did not reach both aggregate instances")
            let splits = try #require(run.snapshots(of: 1)["numbers"]?.first?.splits)
            let position = try #require(splits.first?.position)
            for task in run.plan.tasks.indices {
                for subtask in 0..<run.plan.tasks[task].parallelism { run.post(.checkpointComplete(1), toTask: task, subtask: subtask) }
            }
            // The commit shows exactly the records before the barrier (one running sum per record),
            // while the source still runs (it makes the rest over about 0.8 s).
            let committed = await eventually(timeout: .seconds(5)) { first.records.count >= Int(position) }
            #expect(committed && first.records.count == Int(position), "committed \(first.records.count) records, the barrier came after \(position)")
            _ = try await running.value

            let snapshots = run.snapshots(of: 1)
            #expect(position > 0 && position < Self.count, "the checkpoint should land mid-stream (position \(position))")
            // The final sums of the uninterrupted run.
            let expected = lastValues(first.records)
            #expect(expected == Dictionary(uniqueKeysWithValues: (0..<10).map { key in (key, stride(from: key, to: Self.count, by: 10).reduce(0, +)) }))

            // Resumed at parallelism 3: the source starts at the stored position, the sums from the stored state.
            let second = CollectedRecords<Keyed<Int64, Int64>>()
            let resumed = JobExecution(
                plan: try Self.sumJob(into: second, parallelism: 3, rate: nil).plan, backend: kind.defaultBackend,
                processingTime: nil, restoring: snapshots)
            _ = try await resumed.run()
            #expect(second.records.count == Int(Self.count - position), "the resumed run reads only the records after the checkpoint")
            #expect(lastValues(second.records) == expected)
        }

        @Test("An action posted to an idle task is handled within 50 ms, on every backend", arguments: backends)
        func idleTaskAnswers(on kind: BackendKind) async throws {
            let results = CollectedRecords<Int64>()
            // One record every 2 seconds: the source task and the sink task are idle almost always.
            let job = try Job("idle") {
                Source.generator(count: 3, recordsPerSecond: 0.5) { $0 }
                Map { (n: Int64) in n }.disableChaining()
                Sink(.collect(into: results))
            }
            let run = JobExecution(plan: job.plan, backend: kind.defaultBackend)
            let running = Task { try await run.run() }
            try await Task.sleep(for: .milliseconds(100))
            for task in run.plan.tasks.indices {
                let before = run.mailboxReport(task: task, subtask: 0).handled
                run.post(.checkpointAborted(99), toTask: task, subtask: 0)
                let answered = await eventually(timeout: .seconds(1)) { run.mailboxReport(task: task, subtask: 0).handled > before }
                // The task's own measure, from the post to the handling.
                let waited = Duration.nanoseconds(run.mailboxReport(task: task, subtask: 0).lastLatencyNanoseconds)
                #expect(answered && waited < .milliseconds(50), "task \(task) answered after \(waited)")
            }
            let cancelled = ContinuousClock.now
            run.cancel()
            _ = try? await running.value
            #expect(ContinuousClock.now - cancelled < .milliseconds(500), "cancelling the idle job took \(ContinuousClock.now - cancelled)")
        }
    }
}

/// A source that has no data does not block its task's loop: the task still serves its mailbox.
extension PoolTimingTests {
    @Suite struct SilentSourceMailboxTests {
        @Test(
            "A job whose AsyncSequence source yields nothing for 5 s answers every mailbox action within 50 ms, on every backend",
            arguments: [BackendKind.sync, .dispatch, .actor])
        func silentSequenceServesMailbox(on kind: BackendKind) async throws {
            let (stream, feed) = AsyncStream<Int>.makeStream()
            let results = CollectedRecords<Int>()
            let job = try Job("silent") {
                Source(stream)
                Map { (x: Int) in x + 1 }
                Sink(.collect(into: results))
            }
            let run = JobExecution(plan: job.plan, backend: kind.defaultBackend)
            let running = Task { try await run.run() }
            let start = ContinuousClock.now
            var slowest = Duration.zero
            var answered = 0
            while ContinuousClock.now - start < .seconds(5) {
                let before = run.mailboxReport(task: 0, subtask: 0).handled
                let posted = ContinuousClock.now
                run.post(.checkpointAborted(Int64(answered)), toTask: 0, subtask: 0)
                while run.mailboxReport(task: 0, subtask: 0).handled == before, ContinuousClock.now - posted < .seconds(1) {
                    try await Task.sleep(for: .microseconds(200))
                }
                // The task's own measure, from the post to the handling (the test's polling adds its
                // own scheduling delay on a busy pool).
                slowest = max(slowest, .nanoseconds(run.mailboxReport(task: 0, subtask: 0).lastLatencyNanoseconds))
                answered += 1
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(slowest < .milliseconds(50), "the slowest of \(answered) actions took \(slowest)")
            #expect(run.mailboxReport(task: 0, subtask: 0).handled == answered)
            feed.yield(41)
            feed.finish()
            _ = try await running.value
            #expect(results.records == [42])
        }
    }
}
