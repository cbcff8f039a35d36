#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a task reads processing time: wall-clock milliseconds since the epoch by default, a
/// Swift `Clock` when one is injected (`ManualClock` in FlowTesting), or a count of scheduler steps
/// under `.sync(seed:)`, so that a seed replays processing-time timers exactly.
///
/// Processing time is read once per step or per timer check, never per record.
///
/// ## Concurrency
/// `Sendable`: each reading function is itself `Sendable` and may be called from any task.
public struct ProcessingTimeService: Sendable {
    @usableFromInline let read: @Sendable () -> Int64
    /// What the service reads, for `explain()` and errors.
    public let label: String
    /// Whether its milliseconds pass as the wall clock's do, so a task may sleep until a deadline
    /// on it. A manual clock or a count of steps moves otherwise: a task waiting for a deadline on
    /// it polls instead.
    public let followsWallClock: Bool

    /// A service that reads `read`, which must return milliseconds and never go back.
    public init(label: String, followsWallClock: Bool = false, reading read: @escaping @Sendable () -> Int64) {
        self.label = label
        self.followsWallClock = followsWallClock
        self.read = read
    }

    /// The time now, in milliseconds.
    ///
    /// - Complexity: O(1): one call of the reading function.
    @inlinable public func now() -> Int64 { read() }

    /// The wall clock (`CLOCK_REALTIME`), in milliseconds since 1970-01-01T00:00:00Z.
    public static let system = ProcessingTimeService(label: "system clock", followsWallClock: true) {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) &* 1000 &+ Int64(time.tv_nsec) / 1_000_000
    }

    /// Processing time read from `clock`: `origin` milliseconds at the moment the service is made,
    /// plus the clock's time elapsed since then (rounded down to whole milliseconds).
    public init<C: Clock>(_ clock: C, origin: Int64 = 0) where C.Duration == Duration {
        let start = clock.now
        self.init(label: "\(C.self)", followsWallClock: C.self == ContinuousClock.self || C.self == SuspendingClock.self) {
            let (seconds, attoseconds) = start.duration(to: clock.now).components
            return origin &+ seconds &* 1000 &+ attoseconds / 1_000_000_000_000_000
        }
    }
}
