public import FlowCore

/// Drops every record (counting them in the job's metrics).
public struct DiscardSink: GenericSinkSpecification {
    public var kind: String { "Discard" }

    public init() {}

    public func makeWriter<Input: Sendable>(for type: Input.Type) -> AnyOperator<Input, Never> {
        AnyOperator(writer: Writer<Input>())
    }

    struct Writer<Input: Sendable>: SinkWriter {
        @inlinable
        mutating func write(_ batch: inout Batch<Input>) async throws {
            batch.removeAll(keepingCapacity: true)
        }

        mutating func writeImmediately(_ batch: inout Batch<Input>) -> Bool {
            batch.removeAll(keepingCapacity: true)
            return true
        }
    }
}

extension SinkSpecification where Self == DiscardSink {
    /// Drops every record.
    public static var discard: DiscardSink { DiscardSink() }
}
