public import FlowCore

/// Reads an `AsyncSequence`, one element per read, so every element is passed on at once.
///
/// The sequence is made, and its iterator with it, when the reader opens, so a reader that is made
/// but never opened (its run failed first) leaves the sequence untouched. A reader made by
/// `Source(_:)` shares a ``_SingleUseClaim`` with every other reader of the same sequence: the
/// first to open reads it, and the others' ``open(context:)`` throws.
///
/// ## Concurrency
/// Confined to its task, as every reader is; the claim it may share with the readers of other
/// runs is one atomic flag.
public struct AsyncSequenceReader<Base: AsyncSequence & Sendable>: SourceReader where Base.Element: Sendable {
    @usableFromInline let makeSequence: @Sendable () -> Base
    /// Set when the sequence may be read by one reader only.
    @usableFromInline let claim: _SingleUseClaim?
    /// Made by ``open(context:)``; dropped by ``close()``.
    @usableFromInline var iterator: Base.AsyncIterator?

    /// A reader of `base`. It makes its iterator when it opens, and does not stop other readers
    /// from iterating `base` as well: for a sequence that can be iterated once only, give each
    /// reader a sequence of its own (``init(makeSequence:)``).
    @inlinable
    public init(_ base: Base) {
        self.init(makeSequence: { base }, claim: nil)
    }

    /// A reader of the sequence `makeSequence` makes when the reader opens.
    @inlinable
    public init(makeSequence: @escaping @Sendable () -> Base) {
        self.init(makeSequence: makeSequence, claim: nil)
    }

    /// A reader of `base`, which only the first of the readers sharing `claim` to open may read.
    @inlinable
    init(singleUse base: Base, claim: _SingleUseClaim) {
        self.init(makeSequence: { base }, claim: claim)
    }

    @inlinable
    init(makeSequence: @escaping @Sendable () -> Base, claim: _SingleUseClaim?) {
        self.makeSequence = makeSequence
        self.claim = claim
    }

    /// Makes the sequence and its iterator; for a single-use sequence, claims it first.
    ///
    /// - Throws: ``FlowError`` `.invalidConfiguration` naming the stage if the sequence is single
    ///   use and another run already claimed it.
    public mutating func open(context: SourceContext) async throws {
        if let claim, !claim.claim() {
            throw FlowError(
                .invalidConfiguration,
                "this source reads an AsyncSequence that one run only can read, and another run of the job already read it: "
                    + "make the source with Source(makeSequence: { … }) so that each run reads a fresh sequence, "
                    + "or build a new Job around a new sequence",
                stageName: context.stageName, stageID: context.stageID, subtask: context.subtask)
        }
        iterator = makeSequence().makeAsyncIterator()
    }

    @inlinable
    public mutating func read(into batch: inout Batch<Base.Element>, maxCount: Int) async throws -> SourceStatus {
        guard iterator != nil else { preconditionFailure("AsyncSequenceReader<\(Base.self)>: read before open") }
        guard let element = try await iterator!.next(isolation: #isolation) else {
            // A cancelled iteration also ends with nil: that is not the end of the input.
            try Task.checkCancellation()
            return .finished
        }
        batch.append(element)
        return .idle(until: nil)
    }

    /// Drops the iterator (an `AsyncStream`'s then ends for its producer).
    public mutating func close() async {
        iterator = nil
    }
}
