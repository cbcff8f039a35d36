import FlowCore
import FlowGraph

/// One parallel instance of a physical task.
///
/// ## Concurrency
/// Built on the job's task, then handed to exactly one runner (the sync scheduler, a dispatch
/// thread or an actor-backend task), which alone steps it until it ends; the job's task closes
/// it after every runner ended. `@unchecked Sendable` for that hand-over: no two threads use an
/// instance at the same time.
final class TaskInstance: @unchecked Sendable {
    /// "Task 2 'Map → Sink' #0", for traces and errors.
    let label: String
    /// The backend that runs the instance.
    let backend: BackendKind
    /// The signal its bridges notify when input arrives or a credit returns.
    let signal: TaskSignal
    /// Where it reports how it spends its time.
    let counters: TaskCounters
    /// Where control actions are posted to it.
    let mailbox: TaskMailbox
    private let head: TaskHeadDriver
    /// Its parts in order: its source, if it has one, its operators, its sink, if it has one.
    private let stages: [any TaskStage]
    /// Its sink, if it has one: a write that must suspend is awaited at the end of the step.
    private let sink: (any TaskStage)?
    /// Its sink's parking flag, read once per step.
    private let sinkParking: Parking?
    /// Its operators that may hold timers.
    private let timerNodes: [any TaskStage]
    private let processingTime: ProcessingTimeService
    private(set) var isFinished = false
    /// Whether ``open()`` was called (it may have thrown): an instance never opened is not closed.
    private var opened = false
    private var closed = false

    init(
        label: String, backend: BackendKind, signal: TaskSignal, counters: TaskCounters, head: TaskHeadDriver, stages: [any TaskStage],
        mailbox: TaskMailbox, processingTime: ProcessingTimeService
    ) {
        self.label = label
        self.backend = backend
        self.signal = signal
        self.counters = counters
        self.head = head
        self.stages = stages
        sink = stages.last.flatMap { $0.isSink ? $0 : nil }
        sinkParking = sink?.parking
        timerNodes = stages.filter(\.hasTimers)
        self.mailbox = mailbox
        self.processingTime = processingTime
        mailbox.attach(signal)
    }

    /// Opens the operators, then the sink, then the source: a source starts only once everything
    /// after it in its task is ready. If one open throws, what comes after it is not opened (and
    /// ``close()`` will not close it).
    func open() async throws {
        opened = true
        for stage in stages where !stage.isSource { try await stage.open() }
        for stage in stages where stage.isSource { try await stage.open() }
    }

    /// One step of the task loop, in a defined order: the actions posted to its mailbox, then the
    /// next chunk of an event-time sweep in progress, then a chunk of its due processing-time timers
    /// (both only when the output has room), then queued output, then input. A task that waits for input
    /// while it holds a processing-time timer asks to be woken for it (`.idle(until:)`). A sink
    /// write that must suspend is awaited before the step ends: the task reads nothing more
    /// until it is written.
    ///
    /// - Complexity: O(1) beyond the work done: one atomic load for the mailbox, and, only for a
    ///   task with timer operators, a read of processing time.
    func step() async throws -> StepResult {
        if isFinished { return .finished }
        let result: StepResult
        if mailbox.hasMail {
            try await handleMail()
            result = .progressed
        } else if timerNodes.isEmpty {
            // A task without timer operators goes straight to its input: no other work per step.
            result = try await stepInput()
        } else {
            result = try await stepWithTimers()
        }
        if let sinkParking, sinkParking.isParked, let sink { try await sink.completeParked() }
        return result
    }

    /// ``step()`` for a task whose operators may hold timers.
    @inline(never)
    private func stepWithTimers() async throws -> StepResult {
        // A sweep in progress goes on, a chunk per step, before anything else but the mailbox
        // (and only when the output has room for the chunk).
        for node in timerNodes where node.isSweeping {
            switch head.drain() {
            case .drained: break
            case .partly: return .progressed
            case .blocked: return .waitingForCredit
            }
            try await node.continueSweep()
            return .progressed
        }
        var timerDeadline: Int64?
        if !head.hasEnded {
            timerDeadline = nextProcessingTimer()
            if let due = timerDeadline {
                let now = processingTime.now()
                if due <= now {
                    // Only when the output has room: a chunk per step, not a queue that grows.
                    switch head.drain() {
                    case .drained: break
                    case .partly: return .progressed
                    case .blocked: return .waitingForCredit
                    }
                    for node in timerNodes { try node.fireProcessingTimers(dueAt: now) }
                    return .progressed
                }
            }
        }
        let result = try await stepInput()
        if case .waitingForInput = result, let due = timerDeadline {
            // On a clock that is not the wall clock (a manual one, the steps of a seeded schedule)
            // the deadline cannot be slept until: the task polls.
            guard processingTime.followsWallClock else { return .idle(until: nil) }
            let wait = Swift.max(0, due - processingTime.now())
            return .idle(until: .now + .milliseconds(wait))
        }
        return result
    }

    @inline(__always)
    private func stepInput() async throws -> StepResult {
        switch head.drain() {
        case .drained: break
        case .partly: return .progressed  // the scheduler must see it: the receiver has new input
        case .blocked: return .waitingForCredit
        }
        if head.hasEnded {
            isFinished = true
            return .finished
        }
        return try await head.step()
    }

    /// Handles every action in the mailbox, oldest first.
    @inline(never)
    private func handleMail() async throws {
        let actions = mailbox.takeAll()
        for action in actions {
            switch action {
            case .triggerCheckpoint(let id):
                if !head.hasEnded { try await head.triggerCheckpoint(id) }
            case .checkpointComplete(let id):
                for stage in stages { try await stage.checkpointComplete(id) }
            case .checkpointAborted(let id):
                for stage in stages { await stage.checkpointAborted(id) }
            case .endInput:
                if !head.hasEnded { try await head.endInput() }
            }
        }
        mailbox.handled(actions.count)
    }

    /// The earliest processing-time timer of the task's operators.
    private func nextProcessingTimer() -> Int64? {
        var earliest: Int64?
        for node in timerNodes {
            if let due = node.nextProcessingTimer, due < (earliest ?? .max) { earliest = due }
        }
        return earliest
    }

    /// Closes its parts in order, each only if its `open` was called, and nothing if ``open()``
    /// was not; safe to call more than once.
    func close() async {
        guard opened, !closed else { return }
        closed = true
        for stage in stages { await stage.close() }
    }
}
