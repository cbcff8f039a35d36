/// Hands out the records of one batch in order, a slice at a time, by moving them: no copy, no
/// retain or release per record, and no shifting of the records left behind.
///
/// A task that takes in a received batch in parts (so that one step's work or output stays within
/// its budget) keeps the batch here and moves the next part into the batch it processes.
///
/// ```
/// start(b) ─► moveNext(n, …) ─► moveNext(n, …) ─► … ─► last part: the emptied b comes back
/// ```
///
/// While a batch is held, its records before the slicing position have been moved out; the slicer
/// is not copyable, and drops the records it still holds when it goes away, so the storage is never
/// seen half moved.
///
/// ## Concurrency
/// Confined to the task that owns it.
public struct BatchSlicer<Element>: ~Copyable {
    @usableFromInline var storage: _BatchStorage<Element>?
    @usableFromInline var offset = 0

    /// An empty slicer.
    @inlinable
    public init() {}

    deinit {
        guard let storage else { return }
        (storage.records + offset).deinitialize(count: storage.count - offset)
        storage.count = 0
    }

    /// Whether the slicer holds no record.
    @inlinable
    public var isEmpty: Bool { storage == nil }

    /// The records not yet handed out.
    @inlinable
    public var remaining: Int {
        guard let storage else { return 0 }
        return storage.count - offset
    }

    /// Holds `batch` for slicing. Precondition: the slicer is empty.
    ///
    /// - Complexity: O(1) if `batch` holds the only reference to its storage (a received batch
    ///   does), O(batch.count) to copy it otherwise.
    @inlinable
    public mutating func start(_ batch: consuming Batch<Element>) {
        precondition(storage == nil, "BatchSlicer: start while \(remaining) records of another batch are held")
        guard !batch.isEmpty else { return }
        storage = batch._uniqueStorage(minimumCapacity: batch.count)
        offset = 0
    }

    /// Moves the next `maxCount` records (or fewer, if fewer remain) to the end of `chunk`. When the
    /// last record is moved, the slicer is empty again and returns the emptied batch, capacity kept,
    /// for reuse.
    ///
    /// - Complexity: O(records moved).
    @inlinable
    public mutating func moveNext(_ maxCount: Int, appendingTo chunk: inout Batch<Element>) -> Batch<Element>? {
        guard let source = storage else { return nil }
        let moved = Swift.min(Swift.max(1, maxCount), source.count - offset)
        let target = chunk._uniqueStorage(minimumCapacity: chunk.count + moved)
        (target.records + target.count).moveInitialize(from: source.records + offset, count: moved)
        (target.timestamps + target.count).initialize(from: source.timestamps + offset, count: moved)
        target.count += moved
        offset += moved
        guard offset == source.count else { return nil }
        // Every record has moved out: nothing is left to deinitialize.
        source.count = 0
        storage = nil
        offset = 0
        var emptied = Batch<Element>()
        emptied._storage = source
        return emptied
    }

    /// Drops the records not yet handed out.
    ///
    /// - Complexity: O(records dropped).
    @inlinable
    public mutating func removeAll() {
        guard let source = storage else { return }
        (source.records + offset).deinitialize(count: source.count - offset)
        source.count = 0
        storage = nil
        offset = 0
    }
}
