/// The one error type Flow throws: what went wrong, where, and what to do about it.
///
/// ``code`` says what kind of failure it is, so a caller can act on it (fix the graph, fix the
/// input, retry, stop); the other fields say where: the stage (by name and stable id), the
/// subtask and the position of the failing record in that task's input.
public struct FlowError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure an error is. Open for new codes, as a struct of static values.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        @usableFromInline
        internal let name: String

        @inlinable
        internal init(_ name: String) { self.name = name }

        /// The job's graph is invalid (no sink, a cycle, a stage without consumer, a mistyped
        /// edge, a duplicate uid…): fix the job definition.
        public static let invalidGraph = Code("invalidGraph")
        /// A job-wide setting is out of range (a batch size outside 1...2^20, a default
        /// parallelism < 1, a generator's negative count…), or a run asks for what the job's
        /// definition cannot give (a second run of a source that reads a single-use
        /// `AsyncSequence`): fix the configuration or the job; running it again will not help. A
        /// stage's own bad parallelism is an ``invalidGraph`` error naming the stage.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// A user function threw while processing a record; ``FlowError/underlying`` holds its error.
        public static let userFunctionFailed = Code("userFunctionFailed")
        /// A source failed to produce records.
        public static let sourceFailed = Code("sourceFailed")
        /// A sink failed to consume records.
        public static let sinkFailed = Code("sinkFailed")
        /// Bytes could not be decoded: truncated, corrupt, or of another format version.
        public static let malformedData = Code("malformedData")
        /// Saved state cannot be restored into this operator instance: it belongs to another
        /// operator uid, covers key groups the instance does not own, was cut with another max
        /// parallelism, holds entries of another type, or (for a source) splits that do not fit its
        /// input. The message names which; restore the
        /// matching state (the same uid and max parallelism, cut to the instance's key groups).
        public static let stateRestoreFailed = Code("stateRestoreFailed")
        /// The job was cancelled before it finished.
        public static let cancelled = Code("cancelled")
        /// Flow itself broke an invariant: a bug to report, with this message.
        public static let internalError = Code("internalError")

        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence that says what is wrong and what to do.
    public var message: String
    /// The stage the failure belongs to, by name, if any.
    public var stageName: String?
    /// The stage's stable operator id, if known.
    public var stageID: String?
    /// The parallel instance (0-based) that failed, if any.
    public var subtask: Int?
    /// The 0-based position of the failing record in the input of the failing operator — for a
    /// fused chain, in the input of the chain that holds the failing stage — if any.
    public var recordPosition: Int64?
    /// A description of the failing record, if any (truncated to 200 characters).
    public var record: String?
    /// The error that caused this one (for example the one a user function threw).
    public var underlying: (any Error)?

    public init(
        _ code: Code,
        _ message: String,
        stageName: String? = nil,
        stageID: String? = nil,
        subtask: Int? = nil,
        recordPosition: Int64? = nil,
        record: String? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.stageName = stageName
        self.stageID = stageID
        self.subtask = subtask
        self.recordPosition = recordPosition
        self.record = record
        self.underlying = underlying
    }

    public var description: String {
        var text = "\(code): "
        if let stageName {
            text += "stage '\(stageName)'"
            if let stageID { text += " (uid \(stageID))" }
            if let subtask { text += " subtask \(subtask)" }
            text += ": "
        }
        text += message
        if let recordPosition { text += " [input record #\(recordPosition)" + (record.map { ": \($0)" } ?? "") + "]" }
        if let underlying { text += " — caused by: \(underlying)" }
        return text
    }
}

extension FlowError {
    /// Describes a record for an error message, truncated to `limit` characters.
    @inline(never)
    public static func describe(_ record: Any, limit: Int = 200) -> String {
        let text = String(describing: record)
        return text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }
}
