package import FlowCore
public import FlowGraph
public import Logging
import Synchronization

/// The outcome of a job that ran to the end of its input.
public struct JobResult: Sendable, CustomStringConvertible {
    /// The job's name.
    public var jobName: String
    /// Records in and out of every stage, task and bridge.
    public var metrics: JobMetrics
    /// Wall-clock time from start to end.
    public var duration: Duration

    public var description: String { "Job '\(jobName)' finished in \(duration)\n\(metrics)" }
}

/// One run of a plan: the runtime's entry point.
///
/// ```
///   plan ─► place tasks ─► build instances + bridges ─► open ─┬─ sync scheduler (caller's task)
///                                                             ├─ dispatch: a thread per instance
///                                                             └─ actor: a task per instance
///                                       all ended ─► join threads ─► close ─► result or root cause
/// ```
///
/// Tasks without a backend of their own run on `backend`'s kind. The first failure of any task
/// stops every other task (parked ones are woken) and is what ``run()`` throws; no thread or
/// task outlives ``run()``.
///
/// A run logs to its `logger` (swift-log; by default one that discards everything, so a library
/// user sees nothing unless they pass theirs): the start (`info`, with the job, tasks, instances
/// and backend), the plan (`debug`, as `explain()` prints it) and its warnings (`warning`), and the
/// end (`info` with the records and the duration; `error` with the code, stage and subtask of a
/// failure; `notice` for a cancelled or stopped run).
///
/// ## Concurrency
/// `Sendable`: ``metrics()`` and ``cancel()`` may be called from any thread while ``run()`` runs.
public final class JobExecution: Sendable {
    /// The plan being run, with every task placed.
    public let plan: PhysicalPlan
    private let backend: any ExecutionBackend
    private let registry: MetricsRegistry
    private let cancellation = CancellationFlag()
    /// The control of the run in progress, so that ``cancel()`` wakes its parked tasks.
    private let activeControl = FlowMutex<JobControl?>(nil)  // protected by its own lock
    private let runners = RunnerCounts()
    /// The snapshots the run resumes from, per stage uid (every old instance's).
    private let restored: [String: [OperatorSnapshot]]
    /// Where operators read processing time; `nil`: the wall clock, or the step count under a seeded sync schedule.
    private let processingTime: ProcessingTimeService?
    /// mailboxes[task][subtask], made with the execution so that actions may be posted before the
    /// instances exist (they are handled at the instance's first step).
    private let mailboxes: [[TaskMailbox]]
    private let collector = SnapshotCollector()
    /// Where the run's events go.
    private let logger: Logger
    /// Whether ``stop()`` was called (for the log).
    private let stopRequested = Atomic<Bool>(false)

    /// An execution of `plan` as planned: unplaced tasks run on the configuration's backend,
    /// with that backend's default settings.
    public convenience init(plan: PhysicalPlan) {
        self.init(plan: plan, backend: plan.configuration.backend.defaultBackend)
    }

    /// An execution of `plan` whose unplaced tasks run on `backend`.
    public convenience init(plan: PhysicalPlan, backend: any ExecutionBackend, logger: Logger = JobExecution.silentLogger) {
        self.init(plan: plan, backend: backend, processingTime: nil, restoring: [:], logger: logger)
    }

    /// A logger that discards everything: what a run logs to unless given one.
    public static var silentLogger: Logger { Logger(label: "flow", factory: { _ in SwiftLogNoOpLogHandler() }) }

    /// An execution that reads processing time from `processingTime` (if given) and resumes each
    /// stage from `restoring[uid]`, the snapshots of all its old instances (cut here to each new
    /// instance's key groups and splits). The checkpoint issue makes this public as
    /// `Job.run(resumingFrom:)`.
    package init(
        plan: PhysicalPlan, backend: any ExecutionBackend, processingTime: ProcessingTimeService?, restoring: [String: [OperatorSnapshot]],
        logger: Logger = JobExecution.silentLogger
    ) {
        self.plan = plan.placed(on: backend.kind)
        var logger = logger
        logger[metadataKey: "job"] = "\(plan.jobName)"
        self.logger = logger
        self.backend = backend
        registry = MetricsRegistry(plan: self.plan)
        self.processingTime = processingTime
        restored = restoring
        mailboxes = self.plan.tasks.map { task in (0..<task.parallelism).map { _ in TaskMailbox() } }
    }

    /// Posts `action` to instance `subtask` of task `task` (an index into `plan.tasks`): the
    /// instance handles it at its next step, before its timers and input, whatever it was doing
    /// (a parked, idle or suspended instance is woken). The checkpoint coordinator drives
    /// checkpoints through this; tests and benchmarks use it to measure how fast a task answers.
    ///
    /// - Complexity: O(1): a lock, an append and a wake-up.
    public func post(_ action: MailboxAction, toTask task: Int, subtask: Int) {
        mailboxes[task][subtask].post(action)
    }

    /// How many actions instance `subtask` of task `task` has handled, and the time from the last
    /// post to its handling (nanoseconds; meaningful when actions are posted one at a time).
    public func mailboxReport(task: Int, subtask: Int) -> (handled: Int, lastLatencyNanoseconds: Int64) {
        let mailbox = mailboxes[task][subtask]
        return (mailbox.handled, mailbox.lastLatencyNanoseconds)
    }

    /// The snapshots taken for checkpoint `id` so far, per stage uid: what a run resumes from.
    package func snapshots(of id: Int64) -> [String: [OperatorSnapshot]] {
        collector.snapshots(of: id)
    }

    /// Runs the plan to completion.
    ///
    /// - Throws: ``FlowError``: the failing stage with its root cause, or `.cancelled`.
    public func run() async throws -> JobResult {
        let clock = ContinuousClock()
        let start = clock.now
        let control = JobControl(cancellation: cancellation)
        activeControl.withLock { $0 = control }
        defer { activeControl.withLock { $0 = nil } }
        if cancellation.isCancelled { control.cancel() }
        logStart()
        do {
            try await withTaskCancellationHandler {
                try await execute(control: control)
            } onCancel: {
                control.cancel()
            }
        } catch {
            logEnd(error, after: clock.now - start)
            throw error
        }
        let result = JobResult(jobName: plan.jobName, metrics: registry.snapshot(), duration: clock.now - start)
        // What the sources made and the sinks took.
        let sources = Set(plan.tasks.compactMap { task in if case .source = task.head { task.stages.first?.uid } else { nil } })
        let sinks = Set(plan.tasks.compactMap { task in if case .sink = task.tail { task.stages.last?.uid } else { nil } })
        logger.info(
            "job finished",
            metadata: [
                "duration": "\(result.duration)",
                "sourceRecords": "\(result.metrics.stages.filter { sources.contains($0.uid) }.reduce(0) { $0 + $1.recordsOut })",
                "sinkRecords": "\(result.metrics.stages.filter { sinks.contains($0.uid) }.reduce(0) { $0 + $1.recordsIn })",
                "stopped": "\(stopRequested.load(ordering: .relaxed))",
            ])
        return result
    }

    /// Ends every source now: each passes on its final watermark and the end of input after the
    /// records it has read, so the job drains what is in flight, every stage finishes and every
    /// sink finishes its output, and ``run()`` returns its result (Flink's `stop --drain`). What a
    /// source has not read yet is not read. Safe to call at any time, more than once, and before
    /// ``run()``.
    public func stop() {
        if stopRequested.exchange(true, ordering: .relaxed) == false {
            logger.notice("stopping the job: its sources end and it drains")
        }
        for (index, task) in plan.tasks.enumerated() {
            guard case .source = task.head else { continue }
            for subtask in 0..<task.parallelism { post(.endInput, toTask: index, subtask: subtask) }
        }
    }

    private func logStart() {
        let instances = plan.tasks.reduce(0) { $0 + $1.parallelism }
        logger.info(
            "job started",
            metadata: [
                "tasks": "\(plan.tasks.count)", "instances": "\(instances)", "backend": "\(backend.kind)",
            ])
        if logger.logLevel <= .debug { logger.debug("plan\n\(plan.explain())") }
        for warning in plan.warnings {
            logger.warning("\(warning.message)", metadata: ["stage": "\(warning.stageName)", "uid": "\(warning.stageID)"])
        }
    }

    private func logEnd(_ error: any Error, after duration: Duration) {
        guard let error = error as? FlowError else {
            logger.error("job failed: \(error)", metadata: ["duration": "\(duration)"])
            return
        }
        if error.code == .cancelled {
            logger.notice("job cancelled", metadata: ["duration": "\(duration)"])
            return
        }
        var metadata: Logger.Metadata = ["code": "\(error.code)", "duration": "\(duration)"]
        if let stage = error.stageName { metadata["stage"] = "\(stage)" }
        if let uid = error.stageID { metadata["uid"] = "\(uid)" }
        if let subtask = error.subtask { metadata["subtask"] = "\(subtask)" }
        logger.error("job failed: \(error.message)", metadata: metadata)
    }

    /// Asks the run to stop; ``run()`` then throws `.cancelled`. Parked, idle and suspended tasks
    /// are woken, so the run stops at once, not at their next deadline.
    public func cancel() {
        cancellation.cancel()
        let control = activeControl.withLock { $0 }
        control?.cancel()
    }

    /// Counts so far.
    public func metrics() -> JobMetrics { registry.snapshot() }

    /// Processing time under a seeded sync schedule: the schedule's step clock in milliseconds, so
    /// that a seed replays processing-time timers exactly.
    private static func stepProcessingTime(_ clock: FlushClock) -> ProcessingTimeService {
        ProcessingTimeService(label: "scheduler steps") { clock.nanoseconds() / 1_000_000 }
    }

    private func execute(control: JobControl) async throws {
        let syncSignal = TaskSignal()
        let syncSettings = backend as? SyncBackend ?? SyncBackend()
        let seeded = syncSettings.seed != nil && plan.tasks.contains { $0.backend == .sync }
        let flushClock = seeded ? FlushClock(stepLength: plan.configuration.flushTimeout / 32) : FlushClock()
        let processingTime = self.processingTime ?? (seeded ? Self.stepProcessingTime(flushClock) : .system)
        var builder = TaskBuilder(
            plan: plan, registry: registry, flushClock: flushClock, processingTime: processingTime, restored: restored,
            mailboxes: mailboxes, collector: collector)
        let dispatchSettings = backend as? DispatchBackend ?? DispatchBackend()
        let instances = try builder.build(syncSignal: syncSignal, spinWindow: dispatchSettings.spinWindow)
        control.register([syncSignal] + instances.map(\.signal))
        do {
            for instance in instances { try await instance.open() }
        } catch {
            // Each instance closes only the readers and writers whose open it called.
            for instance in instances { await instance.close() }
            throw error
        }

        let sync = instances.filter { $0.backend == .sync }
        let threaded = instances.filter { $0.backend == .dispatch }
        let actors = instances.filter { $0.backend == .actor }
        let actorSettings = backend as? ActorBackend ?? ActorBackend()
        let executors = threaded.map { ThreadExecutor(name: "t\($0.label.split(separator: " ").dropFirst().first ?? "")") }
        for _ in threaded + actors { control.runnerStarted() }
        runners.started(threads: threaded.count, tasks: actors.count)

        await withTaskGroup(of: Void.self) { group in
            for (instance, executor) in zip(threaded, executors) {
                group.addTask(executorPreference: executor) {
                    await TaskRunner.run(instance, waiting: .blocking, control: control)
                }
            }
            for instance in actors {
                // On the global concurrent executor explicitly: a child task inherits its parent's
                // task executor preference, so a job started from code that prefers one thread
                // (a benchmark harness, a server's event loop) would otherwise run every actor-
                // backend instance on that one thread.
                group.addTask(executorPreference: globalConcurrentExecutor) { [runners] in
                    await TaskRunner.run(instance, waiting: .suspending(yieldPeriod: actorSettings.yieldPeriod), control: control)
                    runners.taskEnded()
                }
            }
            if !sync.isEmpty {
                for instance in sync { instance.counters.start() }
                do {
                    try await SyncScheduler(settings: syncSettings, control: control, signal: syncSignal, clock: flushClock).run(sync)
                } catch {
                    control.fail(error)
                }
            }
            await group.waitForAll()
        }
        for executor in executors {
            executor.shutdown()
            runners.threadJoined()
        }
        for instance in instances { await instance.close() }

        if let failure = control.failure { throw failure }
        if control.isStopping { throw FlowError(.cancelled, "the job was cancelled") }
        // End of input must have drained every bridge.
        let undrained = registry.bridgeGauges.filter { $0.depth > 0 }
        if !undrained.isEmpty {
            throw FlowError(.internalError, "the job ended with \(undrained.count) bridge(s) still holding elements")
        }
    }
}

/// How many runner threads and tasks a run started and ended, for tests that check nothing
/// outlives `run()`.
package struct RunnerReport: Sendable, Hashable {
    /// Dispatch threads started.
    package var threadsStarted = 0
    /// Dispatch threads that exited and were joined.
    package var threadsJoined = 0
    /// Actor-backend tasks started.
    package var tasksStarted = 0
    /// Actor-backend tasks that returned.
    package var tasksEnded = 0
}

/// The counts behind ``RunnerReport``.
final class RunnerCounts: Sendable {
    private let report = FlowMutex(RunnerReport())  // protected by its own lock

    func started(threads: Int, tasks: Int) {
        report.withLock {
            $0.threadsStarted += threads
            $0.tasksStarted += tasks
        }
    }

    func threadJoined() { report.withLock { $0.threadsJoined += 1 } }
    func taskEnded() { report.withLock { $0.tasksEnded += 1 } }
    var snapshot: RunnerReport { report.withLock { $0 } }
}

extension JobExecution {
    /// Runner threads and tasks started and ended so far (test hook).
    package var runnerReport: RunnerReport { runners.snapshot }
}
