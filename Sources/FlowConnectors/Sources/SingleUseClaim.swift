import Synchronization

/// The right to read a sequence that can be read once: the first ``claim()`` gets it, every
/// later one is refused. Not API; `Source(_:)` shares one among the readers of its sequence.
///
/// ## Concurrency
/// Shared by the readers of every run of a job, which may open at the same time; the flag is
/// one atomic exchange, so exactly one claim succeeds.
@usableFromInline
final class _SingleUseClaim: Sendable {
    private let claimed = Atomic<Bool>(false)

    @usableFromInline
    init() {}

    /// Takes the claim: `true` for the first call only.
    func claim() -> Bool {
        !claimed.exchange(true, ordering: .acquiringAndReleasing)
    }
}
