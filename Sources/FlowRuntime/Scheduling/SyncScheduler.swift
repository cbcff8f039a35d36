import FlowCore

/// Runs the sync backend's task instances on the caller's task (see ``SyncBackend``).
struct SyncScheduler {
    let settings: SyncBackend
    let control: JobControl
    /// The signal every sync instance's bridges notify.
    let signal: TaskSignal
    /// Advanced once per step (it counts only under a seed).
    let clock: FlushClock

    /// Steps `instances` until all finished; returns early (without error) when the job stops.
    func run(_ instances: [TaskInstance]) async throws {
        settings.trace?.begin(seed: settings.seed)
        var random = settings.seed.map(SplitMix64.init(seed:))
        var active = instances
        var yielding = YieldPacing(period: settings.yieldPeriod)
        var idleRounds = 0
        var sawNoOtherRunners = false
        while !active.isEmpty {
            // Cancelling the job's task stops `control` (JobExecution's cancellation handler), so
            // one atomic load covers it; `Task.isCancelled` per round cost a retain and release.
            if control.isStopping { return }
            var round = Round()
            if var generator = random {
                // Schedule controller: random task order, and a random burst of steps for each.
                active.shuffle(using: &generator)
                for instance in active {
                    let burst = Int(generator.next() % 3) + 1
                    for _ in 0..<burst {
                        let result = try await step(instance, &yielding)
                        round.note(result, of: instance)
                        if result != .progressed { break }
                    }
                }
                random = generator
            } else {
                for instance in active {
                    round.note(try await step(instance, &yielding), of: instance)
                }
            }
            active.removeAll { $0.isFinished }
            if round.progressed || active.isEmpty {
                idleRounds = 0
                continue
            }
            idleRounds += 1
            if let wake = round.wake {
                await signal.waitAsync(until: wake)
            } else if round.idleWithoutTime {
                // Sources with nothing to read and no time to wake at: yield a few times, then
                // back off (up to 1 ms) instead of spinning.
                if idleRounds <= 16 {
                    await Task.yield()
                } else {
                    await signal.waitAsync(until: .now + .microseconds(Swift.min(1000, 50 * (idleRounds - 16))))
                }
            } else if control.otherRunners > 0 {
                sawNoOtherRunners = false
                await signal.waitAsync()  // input or credit will come from another backend
            } else if !sawNoOtherRunners {
                // The other runners just ended: what they sent before ending is visible now;
                // one more round decides.
                sawNoOtherRunners = true
            } else {
                let stuck = round.waiting.map { "\($0.label) (\($0.noInput ? "no input" : "no credit"))" }
                throw FlowError(.internalError, "no task can make progress: \(stuck.joined(separator: ", "))")
            }
        }
    }

    /// One step of `instance`. Always inlined into the loop: as a call of its own it costs an
    /// async frame (a task-allocator allocation and release) per step.
    @inline(__always)
    private func step(_ instance: TaskInstance, _ yielding: inout YieldPacing) async throws -> StepResult {
        let result = try await instance.step()
        clock.step()
        instance.counters.enter(result.activity)
        settings.trace?.record(task: instance.label, outcome: result.traceName)
        if yielding.stepEnded() {
            await Task.yield()
            yielding.resumed()
        }
        return result
    }

    /// When the scheduler suspends: once ``SyncBackend/yieldPeriod`` of work has passed since it
    /// last did. It looks at the clock every 16 steps while steps are short (two clock reads per
    /// step were 4.5 % of a batch-64 profile of the fused chain, Docs/PERFORMANCE.md), and after
    /// every step once 16 steps took a
    /// quarter of the period or more, so heavy steps do not hold the thread for 16 of them.
    ///
    /// ## Concurrency
    /// A value owned by one scheduler loop.
    private struct YieldPacing {
        let period: Int64
        var steps = 0
        var interval = 16
        var lastYield = FlushClock.monotonicNanoseconds()
        var lastCheck = FlushClock.monotonicNanoseconds()

        init(period: Duration) {
            self.period = Swift.max(1_000, period.nanoseconds)  // at least 1 µs, as the backend's initializer clamps it
        }

        /// Counts a step; says whether to suspend now.
        @inline(__always)
        mutating func stepEnded() -> Bool {
            steps += 1
            guard steps >= interval else { return false }
            steps = 0
            let now = FlushClock.monotonicNanoseconds()
            interval = now - lastCheck >= period / 4 ? 1 : Swift.min(16, interval * 2)
            lastCheck = now
            return now - lastYield >= period
        }

        /// The scheduler is back from a suspension: its work starts again now.
        mutating func resumed() {
            lastYield = FlushClock.monotonicNanoseconds()
            lastCheck = lastYield
        }
    }

    /// What one pass over the active tasks found.
    private struct Round {
        var progressed = false
        var wake: ContinuousClock.Instant?
        var idleWithoutTime = false
        /// Tasks that waited, described only if the scheduler reports them.
        var waiting: [(label: String, noInput: Bool)] = []

        mutating func note(_ result: StepResult, of instance: TaskInstance) {
            switch result {
            case .progressed, .finished:
                progressed = true
            case .idle(let until):
                if let until { wake = wake.map { Swift.min($0, until) } ?? until } else { idleWithoutTime = true }
            case .waitingForInput, .waitingForCredit:
                waiting.append((instance.label, result == .waitingForInput))
            }
        }
    }
}

extension StepResult {
    /// The activity a task is in after a step with this result.
    var activity: TaskActivity {
        switch self {
        case .progressed: .busy
        case .waitingForCredit: .backpressured
        case .waitingForInput, .idle: .idle
        case .finished: .finished
        }
    }

    /// How a ``ScheduleTrace`` names the result.
    var traceName: String {
        switch self {
        case .progressed: "progressed"
        case .waitingForInput: "no input"
        case .waitingForCredit: "no credit"
        case .idle: "idle"
        case .finished: "finished"
        }
    }
}
