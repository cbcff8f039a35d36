import Flow
import FlowRuntime
import Testing

@Suite("Sync backend: sharing the caller's thread")
struct SyncYieldTests {
    @Test(
        "An endless job on the sync backend suspends now and then, so other tasks on its only thread run",
        .timeLimit(.minutes(1)))
    func endlessJobSharesItsThread() async throws {
        // One thread for both tasks: the other task's timer can only resume it when the job's
        // scheduler suspends. Without that suspension this test would hang until its time limit.
        let thread = ThreadExecutor(name: "shared")
        defer { thread.shutdown() }
        let job = try Job("endless") {
            Source.generator { (n: Int64) in n }
            Map { (n: Int64) in n &+ 1 }
            Sink(.discard)
        }
        await withTaskGroup(of: String.self) { group in
            group.addTask(executorPreference: thread) {
                do {
                    _ = try await job.run()
                    return "job ended"
                } catch let error as FlowError where error.code == .cancelled {
                    return "job cancelled"
                } catch {
                    return "job failed: \(error)"
                }
            }
            group.addTask(executorPreference: thread) {
                try? await Task.sleep(for: .milliseconds(20))
                return "other task ran"
            }
            let first = await group.next()
            group.cancelAll()
            let second = await group.next()
            #expect(first == "other task ran")
            #expect(second == "job cancelled")
        }
    }
}
