/// A contiguous run of records and their event times: the unit that moves between operators.
///
/// Every per-element cost that is not the user's function (a queue hand-off, a credit, a
/// virtual call) is paid once per batch. A batch owns two arrays of equal length, records and
/// timestamps. Emptying a batch keeps its capacity, so a task that reuses its batches allocates
/// nothing in steady state.
///
/// ## Concurrency
/// A value type. A batch sent to another task is moved, never shared mutably.
@frozen
public struct Batch<Element> {
    @usableFromInline
    internal var _records: ContiguousArray<Element>
    @usableFromInline
    internal var _timestamps: ContiguousArray<EventTime>

    /// Creates an empty batch with room for `capacity` records.
    @inlinable
    public init(capacity: Int = 0) {
        _records = []
        _timestamps = []
        if capacity > 0 {
            _records.reserveCapacity(capacity)
            _timestamps.reserveCapacity(capacity)
        }
    }

    /// Creates a batch from records, all with the same timestamp.
    @inlinable
    public init<S: Sequence>(_ records: S, timestamp: EventTime = .unassigned) where S.Element == Element {
        _records = ContiguousArray(records)
        _timestamps = ContiguousArray(repeating: timestamp, count: _records.count)
    }

    /// Creates a batch from records and their timestamps; the two must have the same length.
    @inlinable
    public init(records: ContiguousArray<Element>, timestamps: ContiguousArray<EventTime>) {
        precondition(records.count == timestamps.count, "Batch: \(records.count) records but \(timestamps.count) timestamps")
        _records = records
        _timestamps = timestamps
    }

    /// The number of records.
    @inlinable
    public var count: Int { _records.count }

    /// Whether the batch holds no record.
    @inlinable
    public var isEmpty: Bool { _records.isEmpty }

    /// The number of records the batch can hold without allocating.
    @inlinable
    public var capacity: Int { Swift.min(_records.capacity, _timestamps.capacity) }

    /// The records, in order.
    @inlinable
    public var records: ContiguousArray<Element> { _records }

    /// The event times, one per record.
    @inlinable
    public var timestamps: ContiguousArray<EventTime> { _timestamps }

    /// Appends one record.
    ///
    /// - Complexity: O(1) amortized; no allocation while `count < capacity`.
    @inlinable
    public mutating func append(_ record: Element, at timestamp: EventTime = .unassigned) {
        _records.append(record)
        _timestamps.append(timestamp)
    }

    /// Appends every record of `other`, keeping their timestamps.
    ///
    /// - Complexity: O(other.count).
    @inlinable
    public mutating func append(contentsOf other: Batch<Element>) {
        _records.append(contentsOf: other._records)
        _timestamps.append(contentsOf: other._timestamps)
    }

    /// Removes every record, keeping the capacity by default.
    ///
    /// - Complexity: O(count) for non-trivial elements, O(1) otherwise.
    @inlinable
    public mutating func removeAll(keepingCapacity: Bool = true) {
        _records.removeAll(keepingCapacity: keepingCapacity)
        _timestamps.removeAll(keepingCapacity: keepingCapacity)
    }

    /// Reserves room for at least `capacity` records.
    @inlinable
    public mutating func reserveCapacity(_ capacity: Int) {
        _records.reserveCapacity(capacity)
        _timestamps.reserveCapacity(capacity)
    }

    /// The record and timestamp at `index`.
    @inlinable
    public subscript(index: Int) -> (record: Element, timestamp: EventTime) {
        (_records[index], _timestamps[index])
    }

    /// Calls `body` with read-only buffers over the records and timestamps.
    ///
    /// - Complexity: O(1); the per-record loop inside `body` runs without bounds checks.
    @inlinable
    public func withUnsafeBuffers<R>(
        _ body: (UnsafeBufferPointer<Element>, UnsafeBufferPointer<EventTime>) throws -> R
    ) rethrows -> R {
        try _records.withUnsafeBufferPointer { records in
            try _timestamps.withUnsafeBufferPointer { timestamps in
                try body(records, timestamps)
            }
        }
    }

    /// Exchanges the contents of two batches without copying a record.
    @inlinable
    public mutating func swapContents(with other: inout Batch<Element>) {
        swap(&self, &other)
    }
}

extension Batch: Sendable where Element: Sendable {}
extension Batch: Equatable where Element: Equatable {}

extension Batch: CustomStringConvertible {
    public var description: String {
        "Batch(\(count) records)"
    }
}
