import FlowCore
public import FlowGraph

/// Runs every task instance on the caller's thread, one step at a time, in a fixed order.
///
/// Deterministic: the same plan and input give the same interleaving and output. A step moves one
/// batch or control element through one task instance; a task without credit or input is
/// skipped. When no task can move, the scheduler sleeps until the earliest time a source asked
/// to be read again; if no task can ever move again it fails with `.internalError` naming the
/// stuck tasks rather than hanging.
///
/// The scheduler suspends (`Task.yield()`) every ``yieldInterval`` steps, so a job with an
/// endless source shares Swift's cooperative thread pool with the rest of the program (a
/// handle's `cancel()`, a consumer of the job's output) instead of holding a thread forever.
///
/// ## Concurrency
/// Confined to the calling task; everything it builds lives and dies inside ``execute(_:registry:cancellation:)``.
public struct SyncBackend: ExecutionBackend {
    /// Steps between two voluntary suspensions. Default 64: one step moves one batch, so on the
    /// fused benchmark in Docs/PERFORMANCE.md (17.6 ns per record at batch 1024) that is about
    /// 1.2 ms of work between suspensions.
    public var yieldInterval: Int

    /// A sync backend that yields every 64 steps.
    public init() {
        yieldInterval = 64
    }

    /// A sync backend that yields every `yieldInterval` steps (at least 1).
    public init(yieldInterval: Int) {
        self.yieldInterval = Swift.max(1, yieldInterval)
    }

    public func execute(_ plan: PhysicalPlan, registry: MetricsRegistry, cancellation: CancellationFlag) async throws {
        var builder = TaskBuilder(plan: plan, registry: registry)
        let instances = try builder.build()
        do {
            for instance in instances { try await instance.open() }
            try await schedule(instances, cancellation: cancellation)
        } catch {
            for instance in instances { await instance.close() }
            throw error
        }
        for instance in instances { await instance.close() }
    }

    private func schedule(_ instances: [TaskInstance], cancellation: CancellationFlag) async throws {
        var active = instances
        var stepsSinceYield = 0
        var idleRounds = 0
        while !active.isEmpty {
            if cancellation.isCancelled || Task.isCancelled {
                throw FlowError(.cancelled, "the job was cancelled")
            }
            var progressed = false
            var wake: ContinuousClock.Instant?
            var idleWithoutTime = false
            var waiting: [String] = []
            var index = 0
            while index < active.count {
                let result = try await active[index].step()
                stepsSinceYield += 1
                if stepsSinceYield >= yieldInterval {
                    stepsSinceYield = 0
                    await Task.yield()
                }
                switch result {
                case .progressed:
                    progressed = true
                case .finished:
                    progressed = true
                    active.remove(at: index)
                    continue
                case .idle(let until):
                    if let until { wake = wake.map { Swift.min($0, until) } ?? until } else { idleWithoutTime = true }
                case .waitingForInput, .waitingForCredit:
                    waiting.append("\(active[index].label) (\(result == .waitingForInput ? "no input" : "no credit"))")
                }
                index += 1
            }
            if progressed || active.isEmpty {
                idleRounds = 0
                continue
            }
            idleRounds += 1
            if let wake {
                try? await Task.sleep(until: wake, clock: .continuous)
            } else if idleWithoutTime {
                // Sources with nothing to read and no time to wake at: yield a few times, then
                // back off (up to 1 ms) instead of spinning.
                if idleRounds <= 16 {
                    await Task.yield()
                } else {
                    try? await Task.sleep(for: .microseconds(Swift.min(1000, 50 * (idleRounds - 16))))
                }
            } else {
                throw FlowError(.internalError, "no task can make progress: \(waiting.joined(separator: ", "))")
            }
        }
    }
}
