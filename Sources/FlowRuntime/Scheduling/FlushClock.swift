#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The clock a run's tasks measure time with: the age of partial batches against the flush
/// timeout, and how long a step's work took (``StepPacer``).
///
/// Wall-clock time, except under the schedule controller (a seeded sync backend), where time is
/// counted in scheduler steps so that when a partial batch leaves depends only on the seed:
/// each step advances the clock by 1/32 of the flush timeout, so a partial batch waits at most
/// 32 steps. Work inside one step then takes no time, so the pacing of steps depends on the seed
/// only too.
///
/// ## Concurrency
/// `Sendable`: tasks on any backend read it; only the sync scheduler advances it.
package final class FlushClock: Sendable {
    private let origin: Int64
    private let stepNanoseconds: Int64?
    private let steps = Atomic<Int64>(0)

    /// A wall clock.
    package init() {
        origin = Self.monotonicNanoseconds()
        stepNanoseconds = nil
    }

    /// A clock that moves only when ``step()`` is called, by `stepLength` each time.
    package init(stepLength: Duration) {
        origin = 0
        stepNanoseconds = Swift.max(1, stepLength.nanoseconds)
    }

    /// Nanoseconds since the run started.
    ///
    /// - Complexity: O(1): one `clock_gettime` (tens of nanoseconds), or an atomic load.
    @inline(__always)
    package func nanoseconds() -> Int64 {
        if let stepNanoseconds { return stepNanoseconds &* steps.load(ordering: .relaxed) }
        return Self.monotonicNanoseconds() &- origin
    }

    /// One scheduler step passed (step-counting clocks only).
    package func step() {
        if stepNanoseconds != nil { steps.add(1, ordering: .relaxed) }
    }

    /// CLOCK_MONOTONIC in nanoseconds, without building a `Duration`. (Not the clock
    /// `ContinuousClock` reads, which also counts time suspended; only differences are used.)
    @inline(__always)
    package static func monotonicNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }
}
