import FlowCore
import Synchronization

/// The actions posted to one task instance, in the order posted.
///
/// Posting wakes the task on every backend (it notifies the instance's `TaskSignal`, which a
/// parked thread, a suspended actor-backend task or the sync scheduler waits on), so a task that
/// is idle, waiting for input or for credit handles the action at its next step. A busy task
/// checks for mail once per step: one atomic load.
///
/// ## Concurrency
/// `Sendable`: any thread posts; only the instance's runner takes. A lock guards the queue; the
/// wake-up happens after unlocking.
package final class TaskMailbox: Sendable {
    private struct State {
        var actions: [MailboxAction] = []
        var signal: TaskSignal?
    }

    private let state = FlowMutex(State())  // protected by its own lock
    /// Whether `state.actions` may be non-empty: set under the lock by a post, cleared under it by a take.
    private let pending = Atomic<Bool>(false)
    /// Actions handled so far, and when the last was posted and handled (monotonic nanoseconds).
    private let handledCount = Atomic<Int>(0)
    private let postedAt = Atomic<Int64>(0)
    private let handledAt = Atomic<Int64>(0)

    package init() {}

    /// Attaches the signal posting wakes (the instance's, once it is built).
    func attach(_ signal: TaskSignal) {
        let wake = state.withLock { state -> Bool in
            state.signal = signal
            return !state.actions.isEmpty
        }
        if wake { signal.notify() }
    }

    /// Queues `action` and wakes the task.
    ///
    /// - Complexity: O(1) amortized: a lock, an append, and a notify after unlocking.
    package func post(_ action: MailboxAction) {
        let signal = state.withLock { state -> TaskSignal? in
            state.actions.append(action)
            pending.store(true, ordering: .releasing)
            postedAt.store(FlushClock.monotonicNanoseconds(), ordering: .relaxed)
            return state.signal
        }
        signal?.notify()
    }

    /// Whether an action may be waiting.
    ///
    /// - Complexity: O(1): one atomic load.
    @inline(__always)
    var hasMail: Bool { pending.load(ordering: .acquiring) }

    /// Takes every queued action, oldest first.
    func takeAll() -> [MailboxAction] {
        state.withLock { state in
            pending.store(false, ordering: .relaxed)
            defer { state.actions.removeAll() }
            return state.actions
        }
    }

    /// Records that `count` actions were handled.
    func handled(_ count: Int) {
        handledAt.store(FlushClock.monotonicNanoseconds(), ordering: .relaxed)
        handledCount.add(count, ordering: .releasing)
    }

    /// Actions handled so far.
    package var handled: Int { handledCount.load(ordering: .acquiring) }

    /// Nanoseconds from the last post to the last handling (meaningful once both happened, one
    /// action at a time).
    package var lastLatencyNanoseconds: Int64 { handledAt.load(ordering: .relaxed) - postedAt.load(ordering: .relaxed) }
}
