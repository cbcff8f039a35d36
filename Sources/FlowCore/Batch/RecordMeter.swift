/// Measures records of one type in bytes, as the runtime counts them against byte budgets.
///
/// Made once per node, where the type is known: the test whether `Element` is ``ByteSized`` runs
/// here, not per record. A type that is not ``ByteSized``, or says it has a fixed size, is
/// measured as `count × stride` in O(1); a type whose size varies through its
/// ``ByteSized/byteSize(of:)``, one indirect call per batch whose loop is specialized for the type.
///
/// ## Concurrency
/// An immutable value; its closures capture only a metatype.
public struct RecordMeter<Element>: Sendable {
    /// The size of every record, if the type's size is fixed.
    public let fixedSize: Int?
    @usableFromInline let _bytes: (@Sendable (UnsafeRawPointer?, Int) -> Int)?
    @usableFromInline let _prefix: (@Sendable (UnsafeRawPointer?, Int, Int) -> (count: Int, bytes: Int))?

    /// A meter for `Element`.
    public init() {
        if let sized = Element.self as? any ByteSized.Type, !sized.hasFixedByteSize {
            fixedSize = nil
            (_bytes, _prefix) = Self.measures(of: sized)
        } else {
            fixedSize = MemoryLayout<Element>.stride
            _bytes = nil
            _prefix = nil
        }
    }

    private static func measures<Sized: ByteSized>(
        of type: Sized.Type
    ) -> (
        @Sendable (UnsafeRawPointer?, Int) -> Int, @Sendable (UnsafeRawPointer?, Int, Int) -> (count: Int, bytes: Int)
    ) {
        let bytes: @Sendable (UnsafeRawPointer?, Int) -> Int = { base, count in
            Sized.byteSize(of: UnsafeBufferPointer(start: base?.assumingMemoryBound(to: Sized.self), count: count))
        }
        let prefix: @Sendable (UnsafeRawPointer?, Int, Int) -> (count: Int, bytes: Int) = { base, count, budget in
            Sized.prefix(of: UnsafeBufferPointer(start: base?.assumingMemoryBound(to: Sized.self), count: count), fittingIn: budget)
        }
        return (bytes, prefix)
    }

    /// Whether records of this type have a fixed size (measuring them costs nothing per record).
    @inlinable
    public var hasFixedSize: Bool { fixedSize != nil }

    /// The bytes of `records`.
    ///
    /// - Complexity: O(1) for a fixed-size type, O(records.count) otherwise.
    @inlinable
    public func bytes(of records: UnsafeBufferPointer<Element>) -> Int {
        if let fixedSize { return records.count &* fixedSize }
        return _bytes.unsafelyUnwrapped(UnsafeRawPointer(records.baseAddress), records.count)
    }

    /// The bytes of the records of `batch` from position `start` on.
    ///
    /// - Complexity: O(1) for a fixed-size type, O(batch.count - start) otherwise.
    @inlinable
    public func bytes(of batch: Batch<Element>, from start: Int = 0) -> Int {
        let count = batch.count - start
        guard count > 0 else { return 0 }
        if let fixedSize { return count &* fixedSize }
        return batch.withUnsafeBuffers { records, _ in bytes(of: UnsafeBufferPointer(rebasing: records[start...])) }
    }

    /// How many records from the start of `records` fit in `budget` bytes — at least one (a record
    /// larger than the budget goes alone) — and their bytes.
    ///
    /// - Complexity: O(1) for a fixed-size type, O(count returned) otherwise.
    @inlinable
    public func prefix(of records: UnsafeBufferPointer<Element>, fittingIn budget: Int) -> (count: Int, bytes: Int) {
        guard !records.isEmpty else { return (0, 0) }
        if let fixedSize {
            let count = Swift.min(records.count, Swift.max(1, budget / Swift.max(1, fixedSize)))
            return (count, count &* fixedSize)
        }
        return _prefix.unsafelyUnwrapped(UnsafeRawPointer(records.baseAddress), records.count, budget)
    }

    /// The most records a batch of `budget` bytes holds, if the type's size is fixed (at least 1);
    /// `Int.max` for a type whose size varies (its batches are measured as they fill).
    @inlinable
    public func recordLimit(forBytes budget: Int) -> Int {
        guard let fixedSize else { return .max }
        return Swift.max(1, budget / Swift.max(1, fixedSize))
    }
}
