import Synchronization

/// A Swift `Clock` that moves only when a test advances it: processing time a test controls.
///
/// ```swift
/// let clock = ManualClock()
/// var harness = try OperatorHarness(op, processingTime: ProcessingTimeService(clock))
/// clock.advance(by: .seconds(5))
/// try harness.advanceProcessingTime()
/// ```
/// A `sleep(until:)` returns when the clock is advanced to or past its deadline (or throws when
/// its task is cancelled).
///
/// ## Concurrency
/// `Sendable`: a lock guards the time and the sleepers; sleepers are resumed after unlocking.
public final class ManualClock: Clock, Sendable {
    /// A point on a manual clock: the time advanced since it was made.
    public struct Instant: InstantProtocol, Sendable {
        /// Time since the clock was made.
        public var offset: Duration

        public init(offset: Duration) { self.offset = offset }
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Int: (deadline: Instant, continuation: CheckedContinuation<Void, any Error>)] = [:]
        var nextSleeper = 0
    }

    private let state = Mutex(State())  // protected by its own lock

    public init() {}

    public var now: Instant { state.withLock { $0.now } }

    /// The clock's resolution: a nanosecond.
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// Moves the clock forward by `duration` and wakes the sleepers whose deadline it reached.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "ManualClock: cannot go back (advance by \(duration))")
        let due = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let ids = state.sleepers.filter { $0.value.deadline <= now }.map(\.key)
            return ids.compactMap { state.sleepers.removeValue(forKey: $0)?.continuation }
        }
        for continuation in due { continuation.resume() }
    }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { state -> Int in
            defer { state.nextSleeper += 1 }
            return state.nextSleeper
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = state.withLock { state -> Bool in
                    if deadline <= state.now || Task.isCancelled { return true }
                    state.sleepers[id] = (deadline, continuation)
                    return false
                }
                if resumeNow {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
            }
        } onCancel: {
            let continuation = state.withLock { $0.sleepers.removeValue(forKey: id)?.continuation }
            continuation?.resume(throwing: CancellationError())
        }
    }
}
