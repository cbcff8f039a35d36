public import FlowCore

/// Prints each record on its own line to standard output, as `prefix` + the record's
/// description (and `"<n>> "` first, n = subtask + 1, when the sink runs in parallel, as Flink does).
/// One write per batch.
public struct PrintSink: GenericSinkSpecification {
    public var kind: String { "Print" }
    /// Text before each record.
    public var prefix: String

    public init(prefix: String = "") { self.prefix = prefix }

    public func makeWriter<Input: Sendable>(for type: Input.Type) -> AnyOperator<Input, Never> {
        AnyOperator(writer: Writer<Input>(prefix: prefix))
    }

    struct Writer<Input: Sendable>: SinkWriter {
        var prefix: String
        var text = ""

        mutating func open(context: OperatorContext) async throws {
            if context.parallelism > 1 { prefix = "\(context.subtask + 1)> " + prefix }
        }

        mutating func write(_ batch: inout Batch<Input>) async throws {
            _ = writeImmediately(&batch)
        }

        /// Never suspends (standard output is written synchronously).
        mutating func writeImmediately(_ batch: inout Batch<Input>) -> Bool {
            text.removeAll(keepingCapacity: true)
            for record in batch.records {
                text += prefix
                text += String(describing: record)
                text += "\n"
            }
            Swift.print(text, terminator: "")  // one locked stdio write per batch, ordered with the program's own print()
            batch.removeAll(keepingCapacity: true)
            return true
        }
    }
}

extension SinkSpecification where Self == PrintSink {
    /// Prints each record to standard output.
    public static func print(prefix: String = "") -> PrintSink { PrintSink(prefix: prefix) }
}
