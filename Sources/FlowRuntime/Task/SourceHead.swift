import FlowCore
import FlowGraph

/// The head of a task that runs a source: it steps the source's ``StageNode`` (a plain reader, or
/// one fused with the pure stages after it), paces its reads, and ends the task's body when the
/// source is exhausted.
final class SourceHead<Output: Sendable>: TaskHeadDriver {
    private let source: StageNode<Never, Output>
    /// How many records a read may make (see ``StepPacer``).
    private let pacer: StepPacer
    /// The node after the source, for partial flushes.
    private let first: Node<Output>

    init(source: StageNode<Never, Output>, first: Node<Output>, pacer: StepPacer) {
        self.source = source
        self.first = first
        self.pacer = pacer
    }

    override func step() async throws -> StepResult {
        // A reader that can read without suspending is read synchronously: no async frame per read.
        let status: SourceStatus
        if let now = try source.readImmediately(limit: pacer.limit) {
            status = now
        } else {
            status = try await source.readSuspending()
        }
        let made = source.madeByLastRead
        pacer.endStep(records: made)
        switch status {
        case .more:
            return .progressed
        case .idle(let until):
            try first.flushPartial()
            // A source that read records and cannot say when more come (an AsyncSequence after
            // each element) is read again at once: the idle back-off is for reads that find
            // nothing, and would otherwise hold such a source to one element per back-off.
            return made > 0 && until == nil ? .progressed : .idle(until: until)
        case .finished:
            try await end()
            return .progressed
        }
    }

    /// Ends the source after the records read so far (the job is stopped with drain).
    override func endInput() async throws {
        try await end()
    }

    /// Passes on the final watermark and the end of input, and releases the reader at once, not
    /// when the job ends.
    private func end() async throws {
        try await source.endOfSource()
        hasEnded = true
        await source.close()
    }

    override func drain() -> DrainResult { first.drain() }

    /// Stores the reader's positions for checkpoint `id` and sends its barrier after the records
    /// read so far (see ``StageNode/triggerCheckpoint(_:)``).
    override func triggerCheckpoint(_ id: Int64) async throws {
        try await source.triggerCheckpoint(id)
    }
}
