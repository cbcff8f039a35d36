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
    private let openBody: () async throws -> Void
    private let closeBody: () async -> Void
    /// Its operators and sink, told (after the head) when a checkpoint completes or is aborted.
    private let participants: [any CheckpointParticipant]
    /// Its operators that may hold processing-time timers.
    private let timerNodes: [any ProcessingTimerNode]
    private let processingTime: ProcessingTimeService
    private(set) var isFinished = false
    /// Whether ``open()`` was called (it may have thrown): an instance never opened is not closed.
    private var opened = false
    private var closed = false

    init(label: String, backend: BackendKind, signal: TaskSignal, counters: TaskCounters, head: TaskHeadDriver,
         openBody: @escaping () async throws -> Void, closeBody: @escaping () async -> Void, mailbox: TaskMailbox,
         participants: [any CheckpointParticipant], timerNodes: [any ProcessingTimerNode], processingTime: ProcessingTimeService) {
        self.label = label
        self.backend = backend
        self.signal = signal
        self.counters = counters
        self.head = head
        self.openBody = openBody
        self.closeBody = closeBody
        self.mailbox = mailbox
        self.participants = participants
        self.timerNodes = timerNodes
        self.processingTime = processingTime
        mailbox.attach(signal)
    }

    /// Opens the body (operators, then the sink) and then the head (the source): a source starts
    /// only once everything after it in its task is ready. If one open throws, what comes after
    /// it is not opened (and ``close()`` will not close it).
    func open() async throws {
        opened = true
        try await openBody()
        try await head.open()
    }

    /// One step of the task loop, in a defined order: the actions posted to its mailbox, then the
    /// next chunk of an event-time sweep in progress, then a chunk of its due processing-time timers
    /// (both only when the output has room), then queued output, then input. A task that waits for input
    /// while it holds a processing-time timer asks to be woken for it (`.idle(until:)`).
    ///
    /// - Complexity: O(1) beyond the work done: one atomic load for the mailbox, and, only for a
    ///   task with timer operators, a read of processing time.
    func step() async throws -> StepResult {
        if isFinished { return .finished }
        if mailbox.hasMail {
            try await handleMail()
            return .progressed
        }
        // A task without timer operators goes straight to its input: no other work per step.
        if timerNodes.isEmpty { return try await stepInput() }
        return try await stepWithTimers()
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
                    for node in timerNodes { try await node.fireProcessingTimers(dueAt: now) }
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
                try await head.checkpointComplete(id)
                for participant in participants { try await participant.checkpointComplete(id) }
            case .checkpointAborted(let id):
                await head.checkpointAborted(id)
                for participant in participants { await participant.checkpointAborted(id) }
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

    /// Releases the source and the sink, each only if its `open` was called, and nothing if
    /// ``open()`` was not; safe to call more than once.
    func close() async {
        guard opened, !closed else { return }
        closed = true
        await head.close()
        await closeBody()
    }
}
