import Synchronization

/// The clock the output routers of one run measure batch age with, for the flush timeout.
///
/// Wall-clock time, except under the schedule controller (a seeded sync backend), where time is
/// counted in scheduler steps so that when a partial batch leaves depends only on the seed:
/// each step advances the clock by 1/32 of the flush timeout, so a partial batch waits at most
/// 32 steps.
///
/// ## Concurrency
/// `Sendable`: routers on any backend read it; only the sync scheduler advances it.
final class FlushClock: Sendable {
    private let origin = ContinuousClock.now
    private let stepLength: Duration?
    private let steps = Atomic<Int>(0)

    /// A wall clock.
    init() {
        stepLength = nil
    }

    /// A clock that moves only when ``step()`` is called, by `stepLength` each time.
    init(stepLength: Duration) {
        self.stepLength = stepLength
    }

    /// Time since the run started.
    @inline(__always)
    func now() -> Duration {
        if let stepLength { return stepLength * steps.load(ordering: .relaxed) }
        return ContinuousClock.now - origin
    }

    /// One scheduler step passed (step-counting clocks only).
    func step() {
        if stepLength != nil { steps.add(1, ordering: .relaxed) }
    }
}
