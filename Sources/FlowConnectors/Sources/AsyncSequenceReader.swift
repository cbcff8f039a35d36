public import FlowCore

/// Reads an `AsyncSequence` through a pump, so a sequence with nothing to give never holds the
/// source's task.
///
/// When the reader opens, it makes the sequence and starts a pump task that iterates it into a
/// bounded buffer (``bufferCapacity`` elements, default 1024); the pump suspends while the buffer
/// is full, so a slow job holds the sequence back. A read takes what is buffered (up to its
/// `maxCount`) without suspending; with nothing buffered it returns `.idle(until: nil)`, and the
/// pump wakes the task (``FlowCore/SourceContext/wakeUp``) when the next element arrives. Once the
/// sequence has ended and every element before the end was read, a read returns `.finished`; an
/// error the sequence threw is thrown by the read after the elements before it. `close()`
/// cancels the pump task and waits for it to end, so nothing of the reader outlives it (a
/// sequence whose `next()` ignores cancellation holds `close()` until it returns).
///
/// The sequence is made, and its iterator with it, when the reader opens, so a reader that is made
/// but never opened (its run failed first) leaves the sequence untouched. A reader made by
/// `Source(_:)` shares a ``_SingleUseClaim`` with every other reader of the same sequence: the
/// first to open reads it, and the others' ``open(context:)`` throws.
///
/// ## Concurrency
/// Confined to its task, as every reader is; the pump task it owns between ``open(context:)``
/// and ``close()`` shares only the pump's buffer with it, behind one lock. The claim it may share
/// with the readers of other runs is one atomic flag.
public struct AsyncSequenceReader<Base: AsyncSequence & Sendable>: SourceReader where Base.Element: Sendable {
    @usableFromInline let makeSequence: @Sendable () -> Base
    /// Set when the sequence may be read by one reader only.
    @usableFromInline let claim: _SingleUseClaim?
    /// Elements the pump buffers at most.
    public let bufferCapacity: Int
    /// Made by ``open(context:)``; dropped by ``close()``.
    @usableFromInline var pump: _AsyncSequencePump<Base.Element>?
    /// The pump's task: started by ``open(context:)``, cancelled and awaited by ``close()``.
    @usableFromInline var pumpTask: Task<Void, Never>?
    /// What a read takes from the pump, before it is appended; empty between reads.
    @usableFromInline var taken: [Base.Element] = []

    /// The default ``bufferCapacity``: 1024 elements.
    public static var defaultBufferCapacity: Int { 1024 }

    /// A reader of `base`. It makes its iterator when it opens, and does not stop other readers
    /// from iterating `base` as well: for a sequence that can be iterated once only, give each
    /// reader a sequence of its own (``init(makeSequence:bufferCapacity:)``).
    @inlinable
    public init(_ base: Base, bufferCapacity: Int = defaultBufferCapacity) {
        self.init(makeSequence: { base }, claim: nil, bufferCapacity: bufferCapacity)
    }

    /// A reader of the sequence `makeSequence` makes when the reader opens.
    @inlinable
    public init(makeSequence: @escaping @Sendable () -> Base, bufferCapacity: Int = defaultBufferCapacity) {
        self.init(makeSequence: makeSequence, claim: nil, bufferCapacity: bufferCapacity)
    }

    /// A reader of `base`, which only the first of the readers sharing `claim` to open may read.
    @inlinable
    init(singleUse base: Base, claim: _SingleUseClaim, bufferCapacity: Int) {
        self.init(makeSequence: { base }, claim: claim, bufferCapacity: bufferCapacity)
    }

    @inlinable
    init(makeSequence: @escaping @Sendable () -> Base, claim: _SingleUseClaim?, bufferCapacity: Int) {
        self.makeSequence = makeSequence
        self.claim = claim
        self.bufferCapacity = bufferCapacity
    }

    /// Makes the sequence and starts the pump task that iterates it; for a single-use sequence,
    /// claims it first.
    ///
    /// - Throws: ``FlowError`` `.invalidConfiguration` naming the stage if ``bufferCapacity`` is
    ///   below 1, or if the sequence is single use and another run already claimed it.
    public mutating func open(context: SourceContext) async throws {
        guard bufferCapacity >= 1 else {
            throw FlowError(
                .invalidConfiguration, "an AsyncSequence source's bufferCapacity must be at least 1, got \(bufferCapacity)",
                stageName: context.stageName, stageID: context.stageID, subtask: context.subtask)
        }
        if let claim, !claim.claim() {
            throw FlowError(
                .invalidConfiguration,
                "this source reads an AsyncSequence that one run only can read, and another run of the job already read it: "
                    + "make the source with Source(makeSequence: { … }) so that each run reads a fresh sequence, "
                    + "or build a new Job around a new sequence",
                stageName: context.stageName, stageID: context.stageID, subtask: context.subtask)
        }
        let pump = _AsyncSequencePump<Base.Element>(capacity: bufferCapacity, wakeUp: context.wakeUp)
        let sequence = makeSequence()
        taken.reserveCapacity(bufferCapacity)
        self.pump = pump
        // The one task the reader owns: cancelled and awaited by `close()`. At high priority: it
        // only moves elements, and a pump that waits for a thread of a busy cooperative pool
        // leaves the source's task idle although its sequence has elements.
        pumpTask = Task(priority: .high) { await pump.run(sequence) }
    }

    /// Reads what the pump has buffered; never suspends (see ``readImmediately(into:maxCount:)``).
    @inlinable
    public mutating func read(into batch: inout Batch<Base.Element>, maxCount: Int) async throws -> SourceStatus {
        try readImmediately(into: &batch, maxCount: maxCount)!
    }

    /// Appends what the pump has buffered, at most `maxCount` elements, in order: `.more` if more
    /// is buffered, `.idle(until: nil)` if the buffer is empty now (the pump wakes the task when
    /// an element arrives), `.finished` once the sequence ended and everything was read.
    ///
    /// - Throws: what the sequence threw, once the elements before it were read.
    /// - Complexity: O(elements read); one lock, no allocation in steady state.
    @inlinable
    public mutating func readImmediately(into batch: inout Batch<Base.Element>, maxCount: Int) throws -> SourceStatus? {
        guard let pump else { preconditionFailure("AsyncSequenceReader<\(Base.self)>: read before open") }
        switch pump.take(into: &taken, maxCount: maxCount) {
        case .taken(let remaining):
            batch.withAppender(reservingCapacity: taken.count) { appender in
                for element in taken { appender.append(element) }
            }
            taken.removeAll(keepingCapacity: true)
            return remaining ? .more : .idle(until: nil)
        case .empty:
            return .idle(until: nil)
        case .ended(.finished):
            return .finished
        case .ended(.failed(let error)):
            throw error
        }
    }

    /// Cancels the pump task and waits for it to end, then drops the pump (an `AsyncStream`'s
    /// iteration then ends for its producer).
    public mutating func close() async {
        pumpTask?.cancel()
        await pumpTask?.value
        pumpTask = nil
        pump = nil
    }
}
