import FlowCore
import Synchronization

/// What every runner of one job shares: whether to stop, the first failure, and the signals to
/// wake so that parked tasks see a stop.
///
/// The first error reported is the job's root cause; errors reported after it (tasks that failed
/// because the job was stopping) are dropped, and so is a failure after a cancellation.
///
/// ## Concurrency
/// Any runner thread or task; state behind a `Mutex`, the stop flag an atomic read once per step.
final class JobControl: Sendable {
    private struct State {
        var failure: FlowError?
        var signals: [TaskSignal] = []
    }

    private let state = FlowMutex(State())  // protected by its own lock
    private let stopping = Atomic<Bool>(false)
    private let runnersOffCaller = Atomic<Int>(0)
    /// The flag `JobExecution.cancel()` sets.
    let cancellation: CancellationFlag

    init(cancellation: CancellationFlag) {
        self.cancellation = cancellation
    }

    /// Whether runners should stop: a task failed or the job was cancelled.
    var isStopping: Bool {
        if stopping.load(ordering: .acquiring) { return true }
        if cancellation.isCancelled {
            cancel()
            return true
        }
        return false
    }

    /// The root cause, once the job stopped.
    var failure: FlowError? { state.withLock { $0.failure } }

    /// Signals to wake when the job stops.
    func register(_ signals: [TaskSignal]) {
        state.withLock { $0.signals.append(contentsOf: signals) }
    }

    /// Stops the job with `error` as its root cause, unless it already stopped for another.
    func fail(_ error: any Error) {
        let flowError =
            (error as? FlowError)
            ?? (error is CancellationError
                ? FlowError(.cancelled, "the job was cancelled")
                : FlowError(.internalError, "a task failed with an error that is not a FlowError: a bug to report, with its cause", underlying: error))
        stop(with: flowError)
    }

    /// Stops the job with `.cancelled`, unless it already stopped.
    func cancel() {
        stop(with: FlowError(.cancelled, "the job was cancelled"))
    }

    private func stop(with error: FlowError) {
        let signals = state.withLock { state -> [TaskSignal] in
            if state.failure == nil { state.failure = error }
            return state.signals
        }
        stopping.store(true, ordering: .releasing)
        for signal in signals { signal.notify() }
    }

    /// Runners of the job that run off the caller's task (dispatch threads, actor tasks) and
    /// have not ended: while any runs, a sync task without input may still get some.
    var otherRunners: Int { runnersOffCaller.load(ordering: .acquiring) }

    func runnerStarted() { runnersOffCaller.add(1, ordering: .acquiringAndReleasing) }

    func runnerEnded() { runnersOffCaller.subtract(1, ordering: .acquiringAndReleasing) }
}
