public import FlowCore

/// Tags a record of the first of two connected streams: `value` becomes `.first(value)`.
///
/// `connect` adds it as a map after the first stream, where it fuses into the upstream task.
public struct TagAsFirst<First: Sendable, Second: Sendable>: MapFunction {
    @inlinable
    public init() {}

    /// - Complexity: O(1); no allocation.
    @inlinable @inline(__always)
    public func map(_ value: First) -> CoElement<First, Second> { .first(value) }
}
