/// A record of one of two connected streams, tagged with the input it came from.
///
/// `connect` turns a stream of `First` and a stream of `Second` into one stream of
/// `CoElement<First, Second>`: each side is tagged by a map fused into its upstream task, then both
/// are merged into the two-input stage, which switches on the tag (Flink's `ConnectedStreams`).
///
/// ```swift
/// switch element {
/// case .first(let reading): …
/// case .second(let rule): …
/// }
/// ```
public enum CoElement<First: Sendable, Second: Sendable>: Sendable {
    /// A record of the first input.
    case first(First)
    /// A record of the second input.
    case second(Second)

    /// The record of the first input, or `nil` for a record of the second.
    @inlinable
    public var first: First? {
        if case .first(let value) = self { return value }
        return nil
    }

    /// The record of the second input, or `nil` for a record of the first.
    @inlinable
    public var second: Second? {
        if case .second(let value) = self { return value }
        return nil
    }
}

extension CoElement: Equatable where First: Equatable, Second: Equatable {}
extension CoElement: Hashable where First: Hashable, Second: Hashable {}

extension CoElement: CustomStringConvertible {
    /// `first(<record>)` or `second(<record>)`.
    public var description: String {
        switch self {
        case .first(let value): "first(\(value))"
        case .second(let value): "second(\(value))"
        }
    }
}
