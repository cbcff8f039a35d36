public import FlowCore

/// Tags a record of the second of two connected streams: `value` becomes `.second(value)`.
///
/// `connect` adds it as a map after the second stream, where it fuses into the upstream task.
public struct TagAsSecond<First: Sendable, Second: Sendable>: MapFunction {
    @inlinable
    public init() {}

    /// - Complexity: O(1); no allocation.
    @inlinable @inline(__always)
    public func map(_ value: Second) -> CoElement<First, Second> { .second(value) }
}
