#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Wakes a task that waits for input or for credit: a parker with a permit.
///
/// Every task instance owns one signal. Each bridge notifies the signal of the task on its other
/// end: the receiver's when an element arrives, the sender's when a credit returns. A waiting
/// task re-checks its bridges after every return from a wait, so spurious returns are harmless,
/// and a notification that arrives between the task's check and its wait is kept as a permit, so
/// none is lost (Specs/CreditProtocol.md, "Bridges between threads", checked by the Promela model
/// Specs/CreditProtocol.pml).
///
/// ```
///            notify()                 wait(): returns at once
///   empty ───────────► notified ─────────────────────────────► empty
///     │ wait(): parks      ▲
///     ▼                    │ notify(): wakes the waiter
///   parked ────────────────┘
/// ```
///
/// A thread of the dispatch backend waits by blocking (``wait(until:)``), after a short poll when
/// its waits have been short; an actor-backend task and the sync scheduler wait by suspending
/// (``waitAsync()``).
///
/// ## Concurrency
/// ``notify()`` from any thread, any number of times; the waits from the one task that owns the
/// signal. The state is one atomic; the lock and the condition variable (or the continuation) are
/// touched only when the owner is parked.
public final class TaskSignal: @unchecked Sendable {
    // @unchecked: `mutex` and `condition` are pthread objects used only through pthread calls;
    // `continuation` is protected by `mutex`; `state` and `wakeUpCount` are atomics; `lastWait`
    // and `parkedWaits` are touched only by the owner's waits.
    private static let empty = 0
    private static let notified = 1
    private static let parked = 2

    private let state = Atomic<Int>(TaskSignal.empty)
    private let wakeUpCount = Atomic<Int>(0)
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var continuation: CheckedContinuation<Void, Never>?  // protected by mutex
    private let spinWindow: Duration
    /// How long the owner's last untimed blocking wait took. Owner only.
    private var lastWait = Duration.zero
    /// Untimed blocking waits so far, for the periodic poll. Owner only.
    private var parkedWaits = 0

    /// A signal whose untimed blocking waits poll for up to `spinWindow` before parking, when
    /// the previous one ended within that window (see ``wait(until:)``); `.zero` never polls.
    public init(spinWindow: Duration = TaskSignal.defaultSpinWindow) {
        precondition(spinWindow >= .zero, "TaskSignal: spinWindow must not be negative, got \(spinWindow)")
        self.spinWindow = spinWindow
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if !canImport(Darwin)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Wakes the owner if it waits, or else makes its next wait return at once.
    ///
    /// - Complexity: O(1): one atomic exchange, plus a lock and a wake-up if the owner is parked.
    @inline(__always)
    public func notify() {
        if state.exchange(Self.notified, ordering: .acquiringAndReleasing) == Self.parked { wake() }
    }

    /// How many times a parked owner was woken.
    public var wakeUps: Int { wakeUpCount.load(ordering: .relaxed) }

    @inline(never)
    private func wake() {
        wakeUpCount.add(1, ordering: .relaxed)
        pthread_mutex_lock(mutex)
        let waiter = continuation
        continuation = nil
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
        waiter?.resume()
    }

    /// Consumes a pending notification, if any.
    @inline(__always)
    private func takePermit() -> Bool {
        // Every reset to `empty` is an exchange with acquire ordering: reading the notifier's
        // write makes the element or credit it announced visible to the re-check that follows.
        state.compareExchange(expected: Self.notified, desired: Self.empty, ordering: .acquiringAndReleasing).exchanged
    }

    /// Blocks the calling thread until ``notify()`` is called or `deadline` passes; returns at
    /// once if a notification is pending. For threads that run nothing else (dispatch backend).
    ///
    /// An untimed wait first polls for up to `spinWindow` if the owner's previous untimed wait
    /// ended within that window: when input or credit comes back that fast, a short poll costs
    /// less than parking and being woken (a futex wake and, on a VM, waking a halted vCPU). A
    /// wait that outlasts the window parks, and the next one parks at once, except every 16th,
    /// which polls again (a parked wait's length includes its wake-up, so a pipeline that became
    /// busy could otherwise look slow for good); so a task whose input is sparse polls on one
    /// wait in 16, and a busy pipeline seldom parks.
    public func wait(until deadline: ContinuousClock.Instant? = nil) {
        if takePermit() { return }
        guard deadline == nil else {
            park(until: deadline)
            return
        }
        let start = ContinuousClock.now
        defer { lastWait = ContinuousClock.now - start }
        parkedWaits &+= 1
        // Poll when the last wait was short; and every 16th wait regardless, because a parked
        // wait's length includes the wake-up, which on a VM can itself outlast the window.
        if spinWindow > .zero && (lastWait < spinWindow || parkedWaits & 15 == 0) {
            repeat {
                var polls = 0
                while polls < 64, state.load(ordering: .relaxed) != Self.notified { polls += 1 }
                if takePermit() { return }
            } while ContinuousClock.now - start < spinWindow
        }
        park(until: nil)
    }

    /// How long an untimed ``wait(until:)`` polls before parking by default: 20 µs, about what
    /// waking a thread parked on another vCPU costs on the 2-vCPU VM measured in
    /// Docs/PERFORMANCE.md, and several batch hand-offs of a busy bridge.
    public static let defaultSpinWindow = Duration.microseconds(20)

    private func park(until deadline: ContinuousClock.Instant?) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard state.compareExchange(expected: Self.empty, desired: Self.parked, ordering: .acquiringAndReleasing).exchanged else {
            _ = state.exchange(Self.empty, ordering: .acquiringAndReleasing)  // a notification arrived meanwhile: consume it
            return
        }
        if let deadline {
            var time = Self.monotonicTime(at: deadline)
            while state.load(ordering: .acquiring) == Self.parked {
                if pthread_cond_timedwait(condition, mutex, &time) == ETIMEDOUT { break }
            }
        } else {
            while state.load(ordering: .acquiring) == Self.parked { pthread_cond_wait(condition, mutex) }
        }
        _ = state.exchange(Self.empty, ordering: .acquiringAndReleasing)
    }

    /// Suspends the calling task until ``notify()`` is called; returns at once if a notification
    /// is pending. For tasks on Swift concurrency (actor backend, sync scheduler).
    public func waitAsync() async {
        if takePermit() { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            pthread_mutex_lock(mutex)
            if state.compareExchange(expected: Self.empty, desired: Self.parked, ordering: .acquiringAndReleasing).exchanged {
                self.continuation = continuation
                pthread_mutex_unlock(mutex)
            } else {
                _ = state.exchange(Self.empty, ordering: .acquiringAndReleasing)
                pthread_mutex_unlock(mutex)
                continuation.resume()
            }
        }
        _ = state.exchange(Self.empty, ordering: .acquiringAndReleasing)
    }

    /// Suspends until ``notify()`` is called or `deadline` passes, whichever comes first.
    public func waitAsync(until deadline: ContinuousClock.Instant) async {
        if takePermit() { return }
        // Unstructured, as a waiter cannot be both a child task and the thing it waits for: the
        // timer only notifies (weakly held, so it keeps nothing alive) and is cancelled as soon as
        // the wait ends, so it outlives this call by at most its cancellation.
        let timer = Task { [weak self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            self?.notify()
        }
        await waitAsync()
        timer.cancel()
    }

    /// `deadline` as an absolute CLOCK_MONOTONIC time (the condition variable's clock).
    private static func monotonicTime(at deadline: ContinuousClock.Instant) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let remaining = Swift.max(.zero, ContinuousClock.now.duration(to: deadline))
        let (seconds, attoseconds) = remaining.components
        let nanoseconds = Int(now.tv_nsec) + Int(attoseconds / 1_000_000_000)
        var time = timespec()
        time.tv_sec = now.tv_sec + Int(Swift.min(seconds, 1 << 40)) + nanoseconds / 1_000_000_000
        time.tv_nsec = nanoseconds % 1_000_000_000
        return time
    }
}
