public import FlowCore
import Synchronization

/// Records collected by a ``Sink``, for tests and small results.
///
/// ```swift
/// let results = CollectedRecords<Int>()
/// … Sink(.collect(into: results)) …
/// try await job.run()
/// #expect(results.records == [2, 4, 6])
/// ```
///
/// ## Concurrency
/// Thread-safe: a lock guards the storage, so parallel instances may append and any thread read.
public final class CollectedRecords<Element: Sendable>: Sendable {
    private struct Storage {
        var records: [Element] = []
        var timestamps: [EventTime] = []
        var bySubtask: [Int: [Element]] = [:]
        var finished = 0
    }

    private let storage = FlowMutex(Storage())  // protected by its own lock

    public init() {}

    /// Every record collected, in the order batches arrived.
    public var records: [Element] { storage.withLock { $0.records } }

    /// The event times of ``records``.
    public var timestamps: [EventTime] { storage.withLock { $0.timestamps } }

    /// The records collected by one instance, in its order.
    public func records(ofSubtask subtask: Int) -> [Element] { storage.withLock { $0.bySubtask[subtask] ?? [] } }

    /// How many instances saw their input end.
    public var finishedInstances: Int { storage.withLock { $0.finished } }

    /// Forgets everything collected.
    public func removeAll() { storage.withLock { $0 = Storage() } }

    func append(_ batch: Batch<Element>, subtask: Int) {
        storage.withLock { storage in
            storage.records.append(contentsOf: batch.records)
            storage.timestamps.append(contentsOf: batch.timestamps)
            storage.bySubtask[subtask, default: []].append(contentsOf: batch.records)
        }
    }

    /// Appends the records of several batches under one lock (a committed transaction appears at once).
    func append(_ batches: some Sequence<Batch<Element>>, subtask: Int) {
        storage.withLock { storage in
            for batch in batches {
                storage.records.append(contentsOf: batch.records)
                storage.timestamps.append(contentsOf: batch.timestamps)
                storage.bySubtask[subtask, default: []].append(contentsOf: batch.records)
            }
        }
    }

    func instanceFinished() { storage.withLock { $0.finished += 1 } }
}

/// A sink that appends into a ``CollectedRecords``: at once (at-least-once), or, if
/// transactional, by two-phase commit (exactly-once): records appear only when the checkpoint
/// after them completes.
public struct CollectSink<Element: Sendable>: TypedSinkSpecification {
    public var kind: String { transactional ? "Collect (transactional)" : "Collect" }
    let target: CollectedRecords<Element>
    /// Whether records appear only when a checkpoint after them commits.
    let transactional: Bool

    public init(into target: CollectedRecords<Element>, transactional: Bool = false) {
        self.target = target
        self.transactional = transactional
    }

    public func makeWriter() -> AnyOperator<Element, Never> { AnyOperator(writer: Writer(target: target, transactional: transactional)) }

    /// One instance's writer. A transactional one keeps the batches written since the last
    /// barrier (the open transaction) and, per checkpoint, the pre-committed ones.
    struct Writer: SinkWriter {
        let target: CollectedRecords<Element>
        let transactional: Bool
        var subtask = 0
        /// Written since the last barrier (transactional only).
        var openTransaction: [Batch<Element>] = []
        /// Pre-committed, by checkpoint, oldest first (transactional only).
        var preCommitted: [(checkpoint: Int64, batches: [Batch<Element>])] = []

        init(target: CollectedRecords<Element>, transactional: Bool) {
            self.target = target
            self.transactional = transactional
        }

        mutating func open(context: OperatorContext) async throws { subtask = context.subtask }

        mutating func write(_ batch: inout Batch<Element>) async throws {
            _ = writeImmediately(&batch)
        }

        /// Never suspends: appending takes a lock held only for the append.
        mutating func writeImmediately(_ batch: inout Batch<Element>) -> Bool {
            if transactional {
                openTransaction.append(batch)
            } else {
                target.append(batch, subtask: subtask)
            }
            batch.removeAll(keepingCapacity: true)
            return true
        }

        mutating func preCommit(checkpoint id: Int64) async throws {
            guard transactional else { return }
            preCommitted.append((id, openTransaction))
            openTransaction = []
        }

        /// Makes every transaction pre-committed up to `id` visible; a repeated commit finds
        /// nothing left to commit.
        mutating func commit(checkpoint id: Int64) async throws {
            let due = preCommitted.prefix { $0.checkpoint <= id }
            guard !due.isEmpty else { return }
            target.append(due.lazy.flatMap(\.batches), subtask: subtask)
            preCommitted.removeFirst(due.count)
        }

        mutating func abort(checkpoint id: Int64) async {
            preCommitted.removeAll { $0.checkpoint == id }
        }

        /// The end of a bounded input commits everything: no record after it can be replayed.
        mutating func finish() async throws {
            if transactional {
                preCommitted.append((.max, openTransaction))
                openTransaction = []
                try await commit(checkpoint: .max)
            }
            target.instanceFinished()
        }
    }
}

extension SinkSpecification {
    /// Collects every record into `target`. A `transactional` sink makes records visible only
    /// when the checkpoint after them completes (two-phase commit), or when the input ends;
    /// records of a failed run that no checkpoint committed never appear.
    public static func collect<Element>(into target: CollectedRecords<Element>, transactional: Bool = false) -> Self
    where Self == CollectSink<Element> {
        CollectSink(into: target, transactional: transactional)
    }
}
