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
    private let head: TaskHeadDriver
    private let openBody: () async throws -> Void
    private let closeBody: () async -> Void
    private(set) var isFinished = false
    /// Whether ``open()`` was called (it may have thrown): an instance never opened is not closed.
    private var opened = false
    private var closed = false

    init(label: String, backend: BackendKind, signal: TaskSignal, counters: TaskCounters, head: TaskHeadDriver,
         openBody: @escaping () async throws -> Void, closeBody: @escaping () async -> Void) {
        self.label = label
        self.backend = backend
        self.signal = signal
        self.counters = counters
        self.head = head
        self.openBody = openBody
        self.closeBody = closeBody
    }

    /// Opens the body (operators, then the sink) and then the head (the source): a source starts
    /// only once everything after it in its task is ready. If one open throws, what comes after
    /// it is not opened (and ``close()`` will not close it).
    func open() async throws {
        opened = true
        try await openBody()
        try await head.open()
    }

    func step() async throws -> StepResult {
        if isFinished { return .finished }
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

    /// Releases the source and the sink, each only if its `open` was called, and nothing if
    /// ``open()`` was not; safe to call more than once.
    func close() async {
        guard opened, !closed else { return }
        closed = true
        await head.close()
        await closeBody()
    }
}
