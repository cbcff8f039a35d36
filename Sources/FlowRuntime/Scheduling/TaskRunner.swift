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
        /// Suspends, and yields every `yieldInterval` busy steps (actor backend).
        case suspending(yieldInterval: Int)
    }

    static func run(_ instance: TaskInstance, waiting: Waiting, control: JobControl) async {
        defer { control.runnerEnded() }
        instance.counters.start()
        var activity = TaskActivity.busy
        var busySteps = 0
        var idleRounds = 0
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
                    busySteps += 1
                    if case .suspending(let interval) = waiting, busySteps >= interval {
                        busySteps = 0
                        await Task.yield()
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
