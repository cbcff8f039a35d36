/// Runs one task instance of the dispatch or actor backend until it finishes or the job stops.
///
/// ```
///   step ─► progressed ─────────────────► step
///        ─► no input / no credit ─► wait on the task's signal ─► step
///        ─► source idle until t ──► wait until t (or a signal) ─► step
///        ─► finished ─► end
/// ```
///
/// A failure stops the job through ``JobControl``, which wakes every parked task so it sees
/// the stop.
enum TaskRunner {
    /// How the runner waits.
    enum Waiting {
        /// Blocks its thread (dispatch backend: the thread runs nothing else).
        case blocking
        /// Suspends, and yields after each `yieldPeriod` of busy steps (actor backend).
        case suspending(yieldPeriod: Duration)
    }

    static func run(_ instance: TaskInstance, waiting: Waiting, control: JobControl) async {
        defer { control.runnerEnded() }
        instance.counters.start()
        var activity = TaskActivity.busy
        var idleRounds = 0
        let yieldNanoseconds: Int64? = if case .suspending(let period) = waiting { Swift.max(1_000, period.nanoseconds) } else { nil }
        var lastYield = FlushClock.monotonicNanoseconds()
        do {
            while !control.isStopping {
                let result = try await instance.step()
                let next = result.activity
                if next != activity {
                    instance.counters.enter(next)
                    activity = next
                }
                switch result {
                case .progressed:
                    idleRounds = 0
                    if let yieldNanoseconds {
                        // By time, not by steps: a few heavy steps must not hold the thread for long.
                        let now = FlushClock.monotonicNanoseconds()
                        if now - lastYield >= yieldNanoseconds {
                            await Task.yield()
                            lastYield = FlushClock.monotonicNanoseconds()
                        }
                    }
                case .finished:
                    return
                case .waitingForInput, .waitingForCredit:
                    switch waiting {
                    case .blocking: instance.signal.wait()
                    case .suspending: await instance.signal.waitAsync()
                    }
                case .idle(let until):
                    idleRounds += 1
                    let deadline = until ?? .now + .microseconds(Swift.min(1000, 20 * idleRounds))
                    switch waiting {
                    case .blocking: instance.signal.wait(until: deadline)
                    case .suspending: await instance.signal.waitAsync(until: deadline)
                    }
                }
                if activity != .busy {
                    // A task that waited gave its thread away: its work since then starts now.
                    if yieldNanoseconds != nil { lastYield = FlushClock.monotonicNanoseconds() }
                    // The wait is over: the time until the next step's result is work.
                    instance.counters.enter(.busy)
                    activity = .busy
                }
            }
        } catch {
            control.fail(error)
        }
    }
}
