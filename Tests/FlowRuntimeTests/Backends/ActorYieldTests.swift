#if canImport(Glibc)
import Glibc
#endif
import Flow
import Synchronization
import Testing

/// A source whose every read costs `cost` of CPU and makes one record: heavy steps.
private struct HeavyReader: SourceReader {
    let reads: Int
    let cost: Duration
    var done = 0

    mutating func read(into batch: inout Batch<Int>, maxCount: Int) async throws -> SourceStatus {
        spin(for: cost)
        batch.append(done)
        done += 1
        return done == reads ? .finished : .more
    }
}

/// The longest gap between the ticks of a task that sleeps 1 ms at a time, while it runs.
private final class Ticker: Sendable {
    private let longest = Mutex(Duration.zero)
    private let stopped = Atomic<Bool>(false)

    func run() async {
        var last = ContinuousClock.now
        while !stopped.load(ordering: .relaxed) {
            try? await Task.sleep(for: .milliseconds(1))
            let now = ContinuousClock.now
            longest.withLock { $0 = Swift.max($0, now - last) }
            last = now
        }
    }

    func stop() { stopped.store(true, ordering: .relaxed) }
    var longestGap: Duration { longest.withLock { $0 } }
}

extension PoolTimingTests {
    @Suite("The actor backend yields by elapsed time", .timeLimit(.minutes(2)))
    struct ActorYieldTests {
        /// As many heavy sources as the cooperative pool has threads, so none is left for anyone else
        /// unless the sources yield.
        static let sources = Swift.max(2, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

        private func job() throws -> Job {
            // A long flush timeout: the records wait in the sources' routers, so the sources never run
            // out of credit (which would make them suspend).
            let configuration = ExecutionConfiguration(flushTimeout: .seconds(30), defaultParallelism: Self.sources)
            return try Job("heavy-sources", configuration: configuration) {
                Source(kind: "Heavy", isParallel: true) { HeavyReader(reads: 10, cost: .milliseconds(20)) }
                Sink(.discard).disableChaining()
            }
        }

        /// The longest another task waited for a thread while the job ran on `backend`.
        private func longestWait(on backend: ActorBackend) async throws -> Duration {
            let ticker = Ticker()
            let job = try job()
            async let ticks: Void = ticker.run()
            try await Task.sleep(for: .milliseconds(5))
            try await job.run(on: backend)
            ticker.stop()
            await ticks
            return ticker.longestGap
        }

        @Test("Busy sources filling every pool thread still let other tasks run every few milliseconds")
        func othersRun() async throws {
            let gap = try await longestWait(on: ActorBackend())
            // Each source yields after every 20 ms step (the period is 1 ms). A source that yielded
            // only every 16 steps would hold its thread for its whole run (10 steps, 200 ms). Other
            // tests running meanwhile hold pool threads too, for tens of milliseconds: hence the margin.
            #expect(gap < .milliseconds(120), "another task waited \(gap)")
        }

        @Test("With a yield period longer than the run, the same sources keep the pool to themselves (control)")
        func control() async throws {
            let gap = try await longestWait(on: ActorBackend(yieldPeriod: .seconds(60)))
            // The sources run for 200 ms without suspending.
            #expect(gap >= .milliseconds(150), "another task waited only \(gap)")
        }
    }
}
