/// The buffer behind a ``Batch``: two columns allocated once, filled from the front. Not API.
///
/// ## Concurrency
/// `@unchecked Sendable` because a ``Batch`` mutates its storage only when it holds the only
/// reference (`isKnownUniquelyReferenced`); storage reachable from two batches or threads is
/// only read.
@usableFromInline
final class _BatchStorage<Element>: @unchecked Sendable {
    @usableFromInline let capacity: Int
    /// Written only through a uniquely referenced batch (copy-on-write), so accesses never
    /// overlap: no dynamic exclusivity check (two runtime calls per access) is needed.
    @exclusivity(unchecked) @usableFromInline var count: Int  // protected by uniqueness (copy-on-write)
    @usableFromInline let records: UnsafeMutablePointer<Element>
    @usableFromInline let timestamps: UnsafeMutablePointer<EventTime>

    /// Makes room for `capacity` records.
    ///
    /// - Precondition: `capacity` is at most ``Batch/maximumCapacity``.
    @inlinable
    init(capacity: Int) {
        if capacity > Batch<Element>.maximumCapacity { Self.capacityTooLarge(capacity) }
        self.capacity = capacity
        count = 0
        records = .allocate(capacity: capacity)
        timestamps = .allocate(capacity: capacity)
    }

    @usableFromInline @inline(never)
    static func capacityTooLarge(_ capacity: Int) -> Never {
        preconditionFailure(
            "Batch: capacity \(capacity) is above Batch.maximumCapacity (\(Batch<Element>.maximumCapacity) records): "
                + "ask for fewer records; a batch that large would overflow its allocation size or exhaust memory")
    }

    @inlinable
    func removeAll() {
        records.deinitialize(count: count)
        count = 0
    }

    @inlinable
    deinit {
        records.deinitialize(count: count)
        records.deallocate()
        timestamps.deallocate()
    }
}

/// Appends to a ``Batch`` through raw pointers, from ``Batch/withAppender(reservingCapacity:_:)``.
///
/// Use it only as the `inout` argument it is given: do not let it escape the closure (it holds
/// raw pointers into the batch's storage). Moving it out and back (`var local = appender`, then
/// `appender = local`) is fine; appending through a copy and then through the original is not.
///
/// ## Concurrency
/// Lives only inside `withAppender`'s (or `withAsyncAppender`'s) closure, in the task that owns
/// the batch.
@frozen
public struct BatchAppender<Element> {
    @usableFromInline var storage: _BatchStorage<Element>
    @usableFromInline var records: UnsafeMutablePointer<Element>
    @usableFromInline var timestamps: UnsafeMutablePointer<EventTime>
    @usableFromInline var count: Int
    @usableFromInline var capacity: Int

    @inlinable
    init(storage: _BatchStorage<Element>) {
        self.storage = storage
        records = storage.records
        timestamps = storage.timestamps
        count = storage.count
        capacity = storage.capacity
    }

    /// The number of records in the batch so far.
    @inlinable
    public var recordCount: Int { count }

    /// Appends one record.
    ///
    /// - Complexity: O(1): a capacity check and two stores (a rare, amortized growth).
    @inlinable @inline(__always)
    public mutating func append(_ record: Element, at timestamp: EventTime = .unassigned) {
        if count == capacity { self = Self.grown(self) }
        (records + count).initialize(to: record)
        (timestamps + count).initialize(to: timestamp)
        count &+= 1
    }

    /// `appender` with twice the room. Static and by value: a mutating call would take the
    /// appender's address, and an appender whose address escapes is kept in memory by the loop.
    @inline(never)
    @usableFromInline
    static func grown(_ appender: BatchAppender) -> BatchAppender {
        var appender = appender
        appender.grow()
        return appender
    }

    @inline(__always)
    mutating func grow() {
        let fresh = _BatchStorage<Element>(capacity: Swift.max(capacity * 2, 16))
        fresh.records.moveInitialize(from: records, count: count)
        fresh.timestamps.initialize(from: timestamps, count: count)
        storage.count = 0
        storage = fresh
        records = fresh.records
        timestamps = fresh.timestamps
        capacity = fresh.capacity
    }

    /// Publishes the count and returns the (possibly grown) storage.
    @inlinable
    mutating func finish() -> _BatchStorage<Element> {
        storage.count = count
        return storage
    }
}

/// A read-only view of one column of a ``Batch`` (its records or its timestamps).
///
/// Keeps the batch's storage alive; it sees the column as it was when the view was taken.
public struct BatchColumn<Value>: RandomAccessCollection {
    @usableFromInline let owner: AnyObject?
    @usableFromInline let base: UnsafeMutablePointer<Value>?
    public let count: Int

    @inlinable
    init(owner: AnyObject?, base: UnsafeMutablePointer<Value>?, count: Int) {
        self.owner = owner
        self.base = base
        self.count = count
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable
    public subscript(position: Int) -> Value {
        precondition(position >= 0 && position < count, "BatchColumn: index \(position) out of 0..<\(count)")
        return withExtendedLifetime(owner) { base.unsafelyUnwrapped[position] }
    }
}

extension BatchColumn: @unchecked Sendable where Value: Sendable {}

extension BatchColumn: Equatable where Value: Equatable {
    @inlinable
    public static func == (lhs: BatchColumn, rhs: BatchColumn) -> Bool { lhs.elementsEqual(rhs) }
}

extension BatchColumn: CustomStringConvertible {
    public var description: String { Array(self).description }
}
