import FlowCore
import FlowGraph

/// What one scheduling step of a task achieved.
enum StepResult: Equatable {
    /// The task moved records or control elements.
    case progressed
    /// The task's source has nothing now; look again at `until` (or soon, if nil).
    case idle(until: ContinuousClock.Instant?)
    /// The task waits for input from its channels.
    case waitingForInput
    /// The task waits for credit on an output channel.
    case waitingForCredit
    /// The task is done.
    case finished
}

/// Where a task instance's elements come from: its source (``SourceHead``) or its input channels
/// (``InputHead``, the shell of its input gate).
///
/// A base class, not a protocol: a call through a protocol existential goes through an async
/// witness thunk, one more async frame per step.
class TaskHeadDriver {
    /// Whether the input has ended and the body was finished.
    final var hasEnded = false

    /// Moves one batch or control element into the task's body.
    func step() async throws -> StepResult { preconditionFailure("\(Self.self): step not overridden") }
    /// Tries to send queued output downstream.
    func drain() -> DrainResult { preconditionFailure("\(Self.self): drain not overridden") }
    /// Takes checkpoint `id` at the source, if the head has one: stores its position and sends the
    /// barrier. A head that reads channels waits for the barrier to arrive on them instead.
    func triggerCheckpoint(_ id: Int64) async throws {}
    /// Ends the head's source now, as if exhausted (``MailboxAction/endInput``). A head that reads
    /// channels ends when they do, and ignores it.
    func endInput() async throws {}
}
