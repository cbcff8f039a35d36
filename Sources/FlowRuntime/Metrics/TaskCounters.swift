import Synchronization

/// What a task instance is doing, for the time shares in ``TaskMetrics``.
enum TaskActivity: Int, Sendable {
    /// The state while the task moves records (or has not yet reported otherwise).
    case busy = 0
    /// The state while the task holds output and has no credit: backpressured.
    case backpressured = 1
    /// The state while the task waits for input, or its source has nothing to read.
    case idle = 2
    /// The state after the task finished.
    case finished = 3
}

/// Time one task instance spent busy, backpressured and idle, readable from any thread.
///
/// The owner reports transitions only (``enter(_:)``), so steady work costs no clock reads; a
/// snapshot adds the time spent in the current activity so far.
///
/// ## Concurrency
/// Written by the task's runner; read by anyone. Relaxed atomics (a snapshot is approximate
/// across fields).
final class TaskCounters: Sendable {
    private let origin: ContinuousClock.Instant
    private let busyNanos = Atomic<Int>(0)
    private let backpressuredNanos = Atomic<Int>(0)
    private let idleNanos = Atomic<Int>(0)
    private let current = Atomic<Int>(TaskActivity.busy.rawValue)
    private let since = Atomic<Int>(0)  // nanoseconds after `origin`
    private let started = Atomic<Bool>(false)

    init(origin: ContinuousClock.Instant) {
        self.origin = origin
    }

    /// The task starts running now.
    func start() {
        since.store(nanos(ContinuousClock.now), ordering: .relaxed)
        started.store(true, ordering: .releasing)
    }

    /// The task switched to `activity` (call on changes only).
    func enter(_ activity: TaskActivity) {
        let previous = current.load(ordering: .relaxed)
        guard previous != activity.rawValue, previous != TaskActivity.finished.rawValue else { return }
        let now = nanos(ContinuousClock.now)
        let elapsed = now - since.load(ordering: .relaxed)
        add(elapsed, to: TaskActivity(rawValue: previous)!)
        since.store(now, ordering: .relaxed)
        current.store(activity.rawValue, ordering: .relaxed)
    }

    /// (busy, backpressured, idle) so far.
    func times() -> (busy: Duration, backpressured: Duration, idle: Duration) {
        var values = [busyNanos.load(ordering: .relaxed), backpressuredNanos.load(ordering: .relaxed), idleNanos.load(ordering: .relaxed)]
        let activity = current.load(ordering: .relaxed)
        if started.load(ordering: .acquiring), activity < values.count {
            values[activity] += Swift.max(0, nanos(ContinuousClock.now) - since.load(ordering: .relaxed))
        }
        return (.nanoseconds(values[0]), .nanoseconds(values[1]), .nanoseconds(values[2]))
    }

    private func add(_ nanoseconds: Int, to activity: TaskActivity) {
        switch activity {
        case .busy: busyNanos.add(nanoseconds, ordering: .relaxed)
        case .backpressured: backpressuredNanos.add(nanoseconds, ordering: .relaxed)
        case .idle: idleNanos.add(nanoseconds, ordering: .relaxed)
        case .finished: break
        }
    }

    private func nanos(_ instant: ContinuousClock.Instant) -> Int {
        let (seconds, attoseconds) = (instant - origin).components
        return Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
    }
}
