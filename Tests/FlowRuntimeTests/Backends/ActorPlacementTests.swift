import Flow
import FlowRuntime
import FlowCore
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The threads a stage ran on.
private final class ThreadSet: Sendable {
    private let threads = FlowMutex<Set<UInt>>([])  // seen by ThreadSanitizer
    func note() {
        let me = UInt(pthread_self())  // pthread_t is an integer on Linux
        threads.withLock { _ = $0.insert(me) }
    }
    var all: Set<UInt> { threads.withLock { $0 } }
}

@Suite("Actor backend placement")
struct ActorPlacementTests {
    @Test("actor-backend instances run on the global pool even when the caller prefers one thread")
    func ignoresCallerExecutorPreference() async throws {
        let caller = ThreadExecutor(name: "caller")
        defer { caller.shutdown() }
        let seen = ThreadSet()
        let callerThread = ThreadSet()
        let out = CollectedRecords<Int64>()
        let job = try Job("placement") {
            Source.generator(count: 20_000) { (n: Int64) in n }.parallelism(2)
            Map { (n: Int64) -> Int64 in
                seen.note()
                return n + 1
            }.parallelism(2).disableChaining()
            Sink(.collect(into: out)).parallelism(2)
        }
        try await withTaskExecutorPreference(caller) {
            callerThread.note()  // this code runs on the caller's thread
            _ = try await job.run(on: .actor)
        }
        #expect(out.records.count == 20_000)
        #expect(callerThread.all.count == 1)
        #expect(
            seen.all.isDisjoint(with: callerThread.all),
            "the Map ran on the caller's preferred thread: a child task inherited its executor preference")
    }
}
