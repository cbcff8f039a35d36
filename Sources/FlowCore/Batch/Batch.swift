/// A contiguous run of records and their event times: the unit that moves between operators.
///
/// Every per-element cost that is not the user's function (a queue hand-off, a credit, a
/// virtual call) is paid once per batch. A batch owns two columns of equal length, records and
/// timestamps, in one copy-on-write buffer. Emptying a batch keeps its capacity, so a task that
/// reuses its batches allocates nothing in steady state. Hot loops append through
/// ``withAppender(reservingCapacity:_:)``, which checks uniqueness and capacity once per batch
/// instead of once per record.
///
/// ## Concurrency
/// A value type with copy-on-write storage: a batch sent to another task is moved or shared
/// read-only; a mutation first makes the storage unique.
@frozen
public struct Batch<Element> {
    /// `nil` while the batch has no capacity (no allocation for an empty placeholder).
    @usableFromInline
    internal var _storage: _BatchStorage<Element>?

    /// The most records a batch can hold: 2^32. Far above any batch the runtime makes (the
    /// planner caps `batchSize` at 2^20); asking for more is a bug in the caller, which would
    /// otherwise overflow the allocation size or exhaust memory.
    @inlinable
    public static var maximumCapacity: Int { 1 << 32 }

    /// Creates an empty batch with room for `capacity` records.
    ///
    /// - Precondition: `capacity` is at most ``maximumCapacity``.
    @inlinable @inline(__always)
    public init(capacity: Int = 0) {
        _storage = capacity > 0 ? _BatchStorage(capacity: capacity) : nil
    }

    /// Creates a batch from records, all with the same timestamp.
    @inlinable
    public init<S: Sequence>(_ records: S, timestamp: EventTime = .unassigned) where S.Element == Element {
        self.init(capacity: records.underestimatedCount)
        for record in records { append(record, at: timestamp) }
    }

    /// Creates a batch from records and their timestamps; the two must have the same length.
    @inlinable
    public init(records: ContiguousArray<Element>, timestamps: ContiguousArray<EventTime>) {
        precondition(records.count == timestamps.count, "Batch: \(records.count) records but \(timestamps.count) timestamps")
        self.init(capacity: records.count)
        for index in records.indices { append(records[index], at: timestamps[index]) }
    }

    /// The number of records.
    @inlinable @inline(__always)
    public var count: Int { _storage?.count ?? 0 }

    /// Whether the batch holds no record.
    @inlinable @inline(__always)
    public var isEmpty: Bool { count == 0 }

    /// The number of records the batch can hold without allocating.
    @inlinable @inline(__always)
    public var capacity: Int { _storage?.capacity ?? 0 }

    /// The records, in order (a read-only view; no copy).
    @inlinable
    public var records: BatchColumn<Element> {
        guard let storage = _storage else { return BatchColumn(owner: nil, base: nil, count: 0) }
        return BatchColumn(owner: storage, base: storage.records, count: storage.count)
    }

    /// The event times, one per record (a read-only view; no copy).
    @inlinable
    public var timestamps: BatchColumn<EventTime> {
        guard let storage = _storage else { return BatchColumn(owner: nil, base: nil, count: 0) }
        return BatchColumn(owner: storage, base: storage.timestamps, count: storage.count)
    }

    /// Appends one record.
    ///
    /// - Complexity: O(1) amortized; a uniqueness and a capacity check per call. Loops should
    ///   use ``withAppender(reservingCapacity:_:)``.
    @inlinable
    public mutating func append(_ record: Element, at timestamp: EventTime = .unassigned) {
        let storage = _uniqueStorage(minimumCapacity: count + 1)
        (storage.records + storage.count).initialize(to: record)
        (storage.timestamps + storage.count).initialize(to: timestamp)
        storage.count += 1
    }

    /// Appends every record of `other`, keeping their timestamps.
    ///
    /// - Complexity: O(other.count), one bulk copy per column.
    @inlinable
    public mutating func append(contentsOf other: Batch<Element>) {
        guard let source = other._storage, source.count > 0 else { return }
        let storage = _uniqueStorage(minimumCapacity: count + source.count)
        (storage.records + storage.count).initialize(from: source.records, count: source.count)
        (storage.timestamps + storage.count).initialize(from: source.timestamps, count: source.count)
        storage.count += source.count
    }

    /// Appends the records `range` of `other` (and their timestamps), copying them in bulk.
    ///
    /// - Complexity: O(range.count), one bulk copy per column.
    @inlinable
    public mutating func append(contentsOf other: Batch<Element>, range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= other.count, "Batch: range \(range) out of 0..<\(other.count)")
        guard let source = other._storage, !range.isEmpty else { return }
        let storage = _uniqueStorage(minimumCapacity: count + range.count)
        (storage.records + storage.count).initialize(from: source.records + range.lowerBound, count: range.count)
        (storage.timestamps + storage.count).initialize(from: source.timestamps + range.lowerBound, count: range.count)
        storage.count += range.count
    }

    /// Moves the records from position `index` on (and their timestamps) to the end of `other`,
    /// leaving the first `index` here: no copy, no retain or release per record.
    ///
    /// - Complexity: O(count - index), one bulk move per column.
    @inlinable
    public mutating func moveRecords(from index: Int, appendingTo other: inout Batch<Element>) {
        precondition(index >= 0 && index <= count, "Batch: index \(index) out of 0...\(count)")
        let moved = count - index
        guard moved > 0 else { return }
        let source = _uniqueStorage(minimumCapacity: count)
        let target = other._uniqueStorage(minimumCapacity: other.count + moved)
        (target.records + target.count).moveInitialize(from: source.records + index, count: moved)
        (target.timestamps + target.count).initialize(from: source.timestamps + index, count: moved)
        target.count += moved
        source.count = index
    }

    /// Removes every record, keeping the capacity by default.
    ///
    /// - Complexity: O(count) for non-trivial elements, O(1) otherwise.
    @inlinable @inline(__always)
    public mutating func removeAll(keepingCapacity: Bool = true) {
        if _storage == nil { return }
        if !keepingCapacity {
            _storage = nil
        } else if isKnownUniquelyReferenced(&_storage) {
            _storage.unsafelyUnwrapped.removeAll()
        } else {
            _storage = _BatchStorage(capacity: _storage.unsafelyUnwrapped.capacity)
        }
    }

    /// Reserves room for at least `capacity` records.
    @inlinable
    public mutating func reserveCapacity(_ capacity: Int) {
        _ = _uniqueStorage(minimumCapacity: capacity)
    }

    /// The record and timestamp at `index`.
    @inlinable
    public subscript(index: Int) -> (record: Element, timestamp: EventTime) {
        precondition(index >= 0 && index < count, "Batch: index \(index) out of 0..<\(count)")
        let storage = _storage.unsafelyUnwrapped
        return (storage.records[index], storage.timestamps[index])
    }

    /// Calls `body` with read-only buffers over the records and timestamps.
    ///
    /// - Complexity: O(1); the per-record loop inside `body` runs without bounds checks.
    @inlinable
    public func withUnsafeBuffers<R>(
        _ body: (UnsafeBufferPointer<Element>, UnsafeBufferPointer<EventTime>) throws -> R
    ) rethrows -> R {
        guard let storage = _storage else {
            return try body(UnsafeBufferPointer(start: nil, count: 0), UnsafeBufferPointer(start: nil, count: 0))
        }
        return try withExtendedLifetime(storage) {
            try body(
                UnsafeBufferPointer(start: storage.records, count: storage.count),
                UnsafeBufferPointer(start: storage.timestamps, count: storage.count))
        }
    }

    /// Appends through a ``BatchAppender``: uniqueness and room for `reservingCapacity` more
    /// records are ensured once, then each append is a capacity check and two stores.
    ///
    /// - Complexity: O(records appended); grows (once, amortized) if more are appended than reserved.
    @inlinable
    public mutating func withAppender<R>(
        reservingCapacity additional: Int = 0, _ body: (inout BatchAppender<Element>) throws -> R
    ) rethrows -> R {
        let storage = _uniqueStorage(minimumCapacity: count + Swift.max(additional, 1))
        var appender = BatchAppender(storage: storage)
        defer { _storage = appender.finish() }
        return try body(&appender)
    }

    /// ``withAppender(reservingCapacity:_:)`` for a body that may suspend: a source fused with
    /// stages appends their output while its reader awaits input. Keep per-record loops in
    /// synchronous code the body calls.
    ///
    /// - Complexity: as ``withAppender(reservingCapacity:_:)``.
    @inlinable
    public mutating func withAsyncAppender<R>(
        reservingCapacity additional: Int = 0, _ body: (inout BatchAppender<Element>) async throws -> R
    ) async rethrows -> R {
        let storage = _uniqueStorage(minimumCapacity: count + Swift.max(additional, 1))
        var appender = BatchAppender(storage: storage)
        defer { _storage = appender.finish() }
        return try await body(&appender)
    }

    /// Exchanges the contents of two batches without copying a record.
    ///
    /// - Complexity: O(1): two references exchanged (no generic `swap`, which unspecialized code
    ///   would call with the batch type's metadata, looked up at run time).
    @inlinable @inline(__always)
    public mutating func swapContents(with other: inout Batch<Element>) {
        let mine = _storage
        _storage = other._storage
        other._storage = mine
    }

    /// The storage, unique and with room for `minimumCapacity` records.
    @inlinable
    internal mutating func _uniqueStorage(minimumCapacity: Int) -> _BatchStorage<Element> {
        // Check uniqueness before binding the reference: a binding would itself be a reference.
        if isKnownUniquelyReferenced(&_storage), _storage.unsafelyUnwrapped.capacity >= minimumCapacity {
            return _storage.unsafelyUnwrapped
        }
        return _reallocate(minimumCapacity: minimumCapacity)
    }

    @inline(never)
    @usableFromInline
    internal mutating func _reallocate(minimumCapacity: Int) -> _BatchStorage<Element> {
        // Uniqueness first (see _uniqueStorage). A unique buffer is too small: grow it
        // geometrically and move the records. A shared one: copy, at the size asked for.
        let unique = isKnownUniquelyReferenced(&_storage)
        let fresh = _BatchStorage<Element>(
            capacity: unique ? Swift.max(minimumCapacity, capacity * 2, 16) : Swift.max(minimumCapacity, capacity, 16))
        if let old = _storage, old.count > 0 {
            let moved = old.count
            if unique {
                fresh.records.moveInitialize(from: old.records, count: moved)
                old.count = 0
            } else {
                fresh.records.initialize(from: old.records, count: moved)
            }
            fresh.timestamps.initialize(from: old.timestamps, count: moved)
            fresh.count = moved
        }
        _storage = fresh
        return fresh
    }
}

extension Batch: @unchecked Sendable where Element: Sendable {}

extension Batch: Equatable where Element: Equatable {
    @inlinable
    public static func == (lhs: Batch, rhs: Batch) -> Bool {
        lhs.count == rhs.count && lhs.records.elementsEqual(rhs.records) && lhs.timestamps.elementsEqual(rhs.timestamps)
    }
}

extension Batch: CustomStringConvertible {
    public var description: String {
        "Batch(\(count) records)"
    }
}
