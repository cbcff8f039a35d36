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

    private let storage = Mutex(Storage())  // protected by its own lock

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

    func instanceFinished() { storage.withLock { $0.finished += 1 } }
}

/// A sink that appends into a ``CollectedRecords``.
public struct CollectSink<Element: Sendable>: TypedSinkSpecification {
    public var kind: String { "Collect" }
    let target: CollectedRecords<Element>

    public init(into target: CollectedRecords<Element>) { self.target = target }

    public func makeWriter() -> AnySinkWriter<Element> { AnySinkWriter(Writer(target: target)) }

    struct Writer: SinkWriter {
        let target: CollectedRecords<Element>
        var subtask = 0

        mutating func open(context: OperatorContext) async throws { subtask = context.subtask }

        mutating func write(_ batch: inout Batch<Element>) async throws {
            _ = writeImmediately(&batch)
        }

        /// Never suspends: appending takes a lock held only for the append.
        mutating func writeImmediately(_ batch: inout Batch<Element>) -> Bool {
            target.append(batch, subtask: subtask)
            batch.removeAll(keepingCapacity: true)
            return true
        }

        mutating func finish() async throws { target.instanceFinished() }
    }
}

extension SinkSpecification {
    /// Collects every record into `target`.
    public static func collect<Element>(into target: CollectedRecords<Element>) -> Self where Self == CollectSink<Element> {
        CollectSink(into: target)
    }
}
