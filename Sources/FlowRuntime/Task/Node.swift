import FlowCore
import FlowGraph

/// One link of a task's body at batch granularity: a part the task runs (a ``StageNode``: its
/// source, an operator, its sink), the output router, or the end after a sink.
///
/// A task is `head → node → node → … → tail`. Records move by `takeBuffer` (the upstream asks
/// for the batch to append into, so the last operator writes straight into the output buffer)
/// and `commit` (the upstream hands the filled batch back), synchronously: a batch crosses the
/// task in nested calls, with no async frame per node. These classes are generic but do O(1)
/// work per batch; every per-record loop runs inside the parts' closures, which are specialized
/// where the job was written.
///
/// ## Concurrency
/// Confined to the task instance that owns it.
class Node<Input> {
    /// The batch the upstream should append into.
    func takeBuffer() -> Batch<Input> { preconditionFailure("\(Self.self): takeBuffer not overridden") }

    /// Consumes the contents of `batch` (which is left empty). A sink whose write must suspend
    /// keeps the records, and the task awaits the write (see ``StageNode/completeParked()``).
    func commit(_ batch: inout Batch<Input>) throws { preconditionFailure("\(Self.self): commit not overridden") }

    /// Passes a control element on, in order after the records committed so far.
    func control(_ element: ControlElement) async throws { preconditionFailure("\(Self.self): control not overridden") }

    /// The input ended: emit final records, then end the output.
    func finish() async throws { preconditionFailure("\(Self.self): finish not overridden") }

    /// The task has no input right now: send partly filled output batches.
    func flushPartial() throws {}

    /// Tries to send queued output.
    func drain() -> DrainResult { .drained }
}

/// What follows a sink: nothing. A sink's output type is `Never`, so no record reaches it, and the
/// control elements and the end the sink passes on stop here.
final class TaskEnd<Element>: Node<Element> {
    override func takeBuffer() -> Batch<Element> { Batch() }
    override func commit(_ batch: inout Batch<Element>) throws {}
    override func control(_ element: ControlElement) async throws {}
    override func finish() async throws {}
}

/// Identifies the stages a node runs, for counts and error messages.
struct StageSpan {
    /// The stages of the task.
    var stages: [PlannedStage]
    /// Index of the node's first stage in `stages`.
    var first: Int
    /// Number of stages the node runs.
    var count: Int
    /// Counters of the task's stages (this instance).
    var counters: [StageCounters]
    /// The instance's subtask.
    var subtask: Int

    /// Sets the counts at the boundaries inside the span: `counts[k]` records went from its
    /// stage `k` to stage `k + 1` (a fused chain's or fused source's internal counts, cumulative).
    func setBoundaryCounts(_ counts: [Int]) {
        var offset = 0
        while offset < counts.count && offset < count - 1 {
            counters[first + offset].setOut(counts[offset])
            counters[first + offset + 1].setIn(counts[offset])
            offset += 1
        }
    }
}

/// What an attempt to send a task's queued output achieved.
enum DrainResult: Equatable {
    /// Nothing is left queued.
    case drained
    /// Some elements went out, others still wait for credit: the task made progress.
    case partly
    /// Nothing could go out: the task is backpressured.
    case blocked

    /// The result of draining two parts of one output.
    func combined(with other: DrainResult) -> DrainResult {
        switch (self, other) {
        case (.drained, .drained): .drained
        case (.blocked, .blocked), (.drained, .blocked), (.blocked, .drained): .blocked
        default: .partly
        }
    }
}
