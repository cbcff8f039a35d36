public import FlowCore

/// The operator behind `ConnectedStreams.process(_:)`: runs a ``CoProcessFunction`` over the
/// tagged records of two connected streams.
///
/// ## Concurrency
/// An instance, and the function value it owns, is confined to the task that runs it.
public struct CoProcessOperator<Function: CoProcessFunction>: OneInputOperator {
    public typealias Input = CoElement<Function.First, Function.Second>
    public typealias Output = Function.Output

    /// The function, with this instance's state.
    @usableFromInline var function: Function  // protected by the owning task (confinement)

    /// An operator running `function` (copied: each instance starts from this value).
    public init(_ function: Function) {
        self.function = function
    }

    /// The function value with the state it has built so far (for tests and inspection).
    public var currentFunction: Function { function }

    /// Passes each record to the function of its input.
    ///
    /// - Throws: ``RecordFailure`` naming the record if the function throws.
    /// - Complexity: O(input.count) calls of the user's function; no allocation in steady state.
    @inlinable
    public mutating func process(_ input: inout Batch<Input>, into output: inout Batch<Output>) throws {
        try output.withAppender(reservingCapacity: input.count) { appender in
            try input.withUnsafeBuffers { records, timestamps in
                for index in records.indices {
                    do {
                        switch records[index] {
                        case .first(let value): try function.processFirst(value, at: timestamps[index], into: &appender)
                        case .second(let value): try function.processSecond(value, at: timestamps[index], into: &appender)
                        }
                    } catch {
                        throw RecordFailure(stage: 0, recordIndex: index, record: FlowError.describe(records[index]), underlying: error)
                    }
                }
            }
        }
        input.removeAll(keepingCapacity: true)
    }

    /// Lets the function emit its final records.
    public mutating func finish(into output: inout Batch<Output>) throws {
        try output.withAppender { appender in try function.finish(into: &appender) }
    }
}

extension CoProcessOperator: Sendable {}
