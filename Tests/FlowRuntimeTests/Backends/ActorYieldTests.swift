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

/// A task that sleeps 1 ms at a time and counts how often it got a thread back.
private final class Ticker: Sendable {
    private let count = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    func run() async {
        while !stopped.load(ordering: .relaxed) {
            try? await Task.sleep(for: .milliseconds(1))
            count.add(1, ordering: .relaxed)
        }
    }

    func stop() { stopped.store(true, ordering: .relaxed) }
    var ticks: Int { count.load(ordering: .relaxed) }
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

        /// How many times another task got a thread back while the job ran on `backend`.
        private func ticks(on backend: ActorBackend) async throws -> Int {
            let ticker = Ticker()
            let job = try job()
            async let ticking: Void = ticker.run()
            try await Task.sleep(for: .milliseconds(5))
            let before = ticker.ticks
            try await job.run(on: backend)
            let during = ticker.ticks - before
            ticker.stop()
            await ticking
            return during
        }

        @Test("Busy sources filling every pool thread still let another task run after each of their steps")
        func othersRun() async throws {
            let yielding = try await ticks(on: ActorBackend())
            // The control: a yield period longer than the run, so the sources keep the pool.
            let holding = try await ticks(on: ActorBackend(yieldPeriod: .seconds(60)))
            // The sources take 20 steps of 20 ms between them and yield after each (the period is
            // 1 ms), so the other task gets a thread about once per step. A source that yielded only
            // every 16 steps would hold its thread for all of its 10, as in the control. (Other tests
            // hold pool threads at times too, which delays ticks and lets a few slip in either way.)
            #expect(yielding >= 6, "another task ran \(yielding) times while the sources were busy")
            #expect(yielding >= 2 * holding, "another task ran \(yielding) times, and \(holding) without time-based yields")
        }
    }
}
