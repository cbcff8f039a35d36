/// A record that says how many bytes it holds, so that batches close at their byte budget.
///
/// Memory in flight is bounded in records (``Batch`` sizes, bridge credits) and in bytes: a batch
/// that goes onto a bridge holds at most `channelByteBudget / channelCredits` bytes
/// (`ExecutionConfiguration`). A record type that does not conform counts as
/// `MemoryLayout<Record>.stride` bytes, which is right for plain structs of numbers. A record that
/// owns heap storage of varying size — a string, an array, a payload — should conform, or a batch
/// of large records is counted as a batch of small ones:
///
/// ```swift
/// struct Document: Sendable, ByteSized {
///     var id: Int
///     var body: String
///     var byteSize: Int { MemoryLayout<Document>.stride + body.byteSize - MemoryLayout<String>.stride }
/// }
/// ```
///
/// `String`, `Substring`, `Array`, `ContiguousArray`, `ArraySlice`, `Dictionary`, `Set` and
/// `Optional` conform (their elements counted through ``ByteSized`` where those conform, by their
/// stride otherwise; a batch of arrays looks the element type up once, a dictionary or set record
/// once per record), and so do the standard integers, floating-point numbers and `Bool`, which say
/// they have a fixed size, so that containers of them and keyed results (`Keyed<String, Int>`,
/// in FlowOperators) conform too.
///
/// Sizes are estimates of what a record keeps alive (allocator rounding and shared storage are not
/// tracked exactly); they need to be right in magnitude, not to the byte.
public protocol ByteSized: SendableMetatype {
    /// The bytes this record holds in memory: its inline size plus the heap storage it owns.
    ///
    /// - Complexity: O(1) for the built-in types other than containers of sized elements.
    var byteSize: Int { get }

    /// Whether every value of the type has the same ``byteSize`` (its stride): such types cost
    /// nothing per record to measure. Default `false`.
    static var hasFixedByteSize: Bool { get }

    /// The total ``byteSize`` of `records`. The runtime calls it once per batch, so the loop runs
    /// in code specialized for the record type.
    ///
    /// - Complexity: O(records.count).
    static func byteSize(of records: UnsafeBufferPointer<Self>) -> Int

    /// How many records from the start of `records` fit in `budget` bytes, at least one (a record
    /// larger than the budget goes alone), and their total size.
    ///
    /// - Complexity: O(count returned).
    static func prefix(of records: UnsafeBufferPointer<Self>, fittingIn budget: Int) -> (count: Int, bytes: Int)
}

extension ByteSized {
    @inlinable public static var hasFixedByteSize: Bool { false }

    @inlinable
    public static func byteSize(of records: UnsafeBufferPointer<Self>) -> Int {
        var total = 0
        for record in records { total &+= record.byteSize }
        return total
    }

    @inlinable
    public static func prefix(of records: UnsafeBufferPointer<Self>, fittingIn budget: Int) -> (count: Int, bytes: Int) {
        _prefix(of: records, fittingIn: budget) { $0.byteSize }
    }
}

/// The loop of ``ByteSized/prefix(of:fittingIn:)``: records from the front while their sizes, by
/// `size`, fit in `budget`, and at least one. Not API.
@inlinable @inline(__always)
func _prefix<Record>(of records: UnsafeBufferPointer<Record>, fittingIn budget: Int, size: (Record) -> Int) -> (count: Int, bytes: Int) {
    guard !records.isEmpty else { return (0, 0) }
    var total = size(records[0])
    var count = 1
    while count < records.count {
        let next = total &+ size(records[count])
        if next > budget { break }
        total = next
        count += 1
    }
    return (count, total)
}

/// The bytes a container's elements hold: summed through ``ByteSized`` where the element type
/// conforms with a size that varies, `count × stride` otherwise. Not API.
@inlinable
func _elementBytes<C: Collection>(_ elements: C) -> Int {
    if let sized = C.Element.self as? any ByteSized.Type, !sized.hasFixedByteSize {
        return _elementBytes(elements, as: sized)
    }
    return elements.count &* MemoryLayout<C.Element>.stride
}

/// ``_elementBytes(_:)`` once the element type is known to be `Sized` (the same type).
@usableFromInline
func _elementBytes<C: Collection, Sized: ByteSized>(_ elements: C, as sized: Sized.Type) -> Int {
    var total = 0
    for element in elements { total &+= unsafeBitCast(element, to: Sized.self).byteSize }
    return total
}

/// What a heap buffer's header costs (reference count, type, count and capacity): 32 bytes.
@usableFromInline
let _heapHeaderBytes = 32

extension String: ByteSized {
    /// The string's inline 16 bytes, plus its UTF-8 storage and buffer header when it does not
    /// fit inline (more than 15 UTF-8 bytes).
    @inlinable
    public var byteSize: Int {
        let count = utf8.count
        return MemoryLayout<String>.stride &+ (count > 15 ? count &+ _heapHeaderBytes : 0)
    }
}

extension Substring: ByteSized {
    /// The substring's inline size plus what its base string holds (a substring keeps the whole
    /// base alive).
    @inlinable
    public var byteSize: Int {
        MemoryLayout<Substring>.stride &+ base.byteSize &- MemoryLayout<String>.stride
    }
}

/// An array-like record: its inline size, a buffer header, and its elements. Arrays of records
/// are measured a batch at a time here, so whether the element type is itself ``ByteSized`` is
/// looked up once per batch, not once per record. Not API.
public protocol _ArrayLikeByteSized: ByteSized, Collection {}

extension _ArrayLikeByteSized {
    /// The record's reference plus its buffer: the elements (through ``ByteSized`` where they
    /// conform with a size that varies, by their stride otherwise) and the buffer header.
    ///
    /// - Complexity: O(1) for elements of fixed size, O(count) otherwise.
    @inlinable
    public var byteSize: Int { Self._bytes(of: self, sizedElement: Self._sizedElement) }

    /// - Complexity: O(records.count), the element type looked at once.
    @inlinable
    public static func byteSize(of records: UnsafeBufferPointer<Self>) -> Int {
        let sizedElement = _sizedElement
        var total = 0
        for record in records { total &+= _bytes(of: record, sizedElement: sizedElement) }
        return total
    }

    /// - Complexity: O(count returned), the element type looked at once.
    @inlinable
    public static func prefix(of records: UnsafeBufferPointer<Self>, fittingIn budget: Int) -> (count: Int, bytes: Int) {
        let sizedElement = _sizedElement
        return _prefix(of: records, fittingIn: budget) { _bytes(of: $0, sizedElement: sizedElement) }
    }

    /// The element type as ``ByteSized``, if its size varies (else elements count by their stride).
    @inlinable
    static var _sizedElement: (any ByteSized.Type)? {
        guard let sized = Element.self as? any ByteSized.Type, !sized.hasFixedByteSize else { return nil }
        return sized
    }

    /// One record's size, its element type already looked at.
    @inlinable @inline(__always)
    static func _bytes(of record: Self, sizedElement: (any ByteSized.Type)?) -> Int {
        guard !record.isEmpty else { return MemoryLayout<Self>.stride }
        let elements = if let sizedElement { _elementBytes(record, as: sizedElement) } else { record.count &* MemoryLayout<Element>.stride }
        return MemoryLayout<Self>.stride &+ _heapHeaderBytes &+ elements
    }
}

extension Array: _ArrayLikeByteSized {}
extension ContiguousArray: _ArrayLikeByteSized {}
/// A slice counts its own elements, not the rest of the buffer it shares.
extension ArraySlice: _ArrayLikeByteSized {}

extension Dictionary: ByteSized {
    /// The dictionary's reference plus its hash table: keys and values (through ``ByteSized``
    /// where they conform) with one bucket of overhead per element.
    @inlinable
    public var byteSize: Int {
        guard !isEmpty else { return MemoryLayout<Self>.stride }
        return MemoryLayout<Self>.stride &+ _heapHeaderBytes &+ _elementBytes(keys) &+ _elementBytes(values) &+ capacity &* 8
    }
}

extension Set: ByteSized {
    /// The set's reference plus its hash table: the elements with one bucket of overhead each.
    @inlinable
    public var byteSize: Int {
        guard !isEmpty else { return MemoryLayout<Self>.stride }
        return MemoryLayout<Self>.stride &+ _heapHeaderBytes &+ _elementBytes(self) &+ capacity &* 8
    }
}

extension Optional: ByteSized where Wrapped: ByteSized {
    @inlinable public static var hasFixedByteSize: Bool { Wrapped.hasFixedByteSize }

    /// The wrapped value's size (at least the optional's stride); `nil` is the stride.
    @inlinable
    public var byteSize: Int {
        switch self {
        case .none: MemoryLayout<Self>.stride
        case .some(let value): Swift.max(MemoryLayout<Self>.stride, value.byteSize)
        }
    }
}

extension CoElement: ByteSized where First: ByteSized, Second: ByteSized {
    @inlinable public static var hasFixedByteSize: Bool { First.hasFixedByteSize && Second.hasFixedByteSize }

    /// The tagged record's size (at least the enum's stride).
    @inlinable
    public var byteSize: Int {
        switch self {
        case .first(let value): Swift.max(MemoryLayout<Self>.stride, value.byteSize)
        case .second(let value): Swift.max(MemoryLayout<Self>.stride, value.byteSize)
        }
    }
}

/// Types whose every value is its stride: they conform so that containers and keyed results of
/// them can conform, and cost nothing per record to measure.
public protocol _FixedByteSized: ByteSized {}

extension _FixedByteSized {
    @inlinable public static var hasFixedByteSize: Bool { true }
    @inlinable public var byteSize: Int { MemoryLayout<Self>.stride }
    @inlinable public static func byteSize(of records: UnsafeBufferPointer<Self>) -> Int { records.count &* MemoryLayout<Self>.stride }
}

extension Int: _FixedByteSized {}
extension Int64: _FixedByteSized {}
extension Int32: _FixedByteSized {}
extension Int16: _FixedByteSized {}
extension Int8: _FixedByteSized {}
extension UInt: _FixedByteSized {}
extension UInt64: _FixedByteSized {}
extension UInt32: _FixedByteSized {}
extension UInt16: _FixedByteSized {}
extension UInt8: _FixedByteSized {}
extension Double: _FixedByteSized {}
extension Float: _FixedByteSized {}
extension Bool: _FixedByteSized {}
extension EventTime: _FixedByteSized {}
