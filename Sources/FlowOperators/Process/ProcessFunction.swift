public import FlowCore

/// A function over one stream that emits any number of records per record, to its main output
/// and to side outputs (Flink's `ProcessFunction`).
///
/// ```swift
/// struct SplitOdd: ProcessFunction {
///     let odd: SideOutput<Int>
///     var oddOutput: SideOutputCollector<Int>?
///     var sideOutputs: [AnySideOutput] { [odd.erased] }
///
///     mutating func open(context: OperatorContext) throws { oddOutput = try context.sideOutput(odd) }
///
///     mutating func process(_ value: Int, at timestamp: EventTime, into output: inout some RecordCollector<Int>) throws {
///         if value % 2 == 0 { try output.collect(value, at: timestamp) } else { oddOutput?.append(value, at: timestamp) }
///     }
/// }
/// ```
/// Each parallel instance runs its own copy; its fields are that instance's state (not
/// checkpointed: keyed state and timers are for keyed operators).
public protocol ProcessFunction<Input, Output>: Sendable {
    /// The type of the records consumed.
    associatedtype Input: Sendable
    /// The type of the records emitted to the main output.
    associatedtype Output: Sendable

    /// The side outputs the function emits to. Every one must be consumed
    /// (`stream.sideOutput(tag)`), and only these can be: the planner checks both.
    var sideOutputs: [AnySideOutput] { get }

    /// Called once per instance before the first record: obtain side-output collectors here.
    mutating func open(context: OperatorContext) throws

    /// Processes one record.
    ///
    /// - Complexity: O(1) plus the function's own work per record.
    mutating func process(_ value: Input, at timestamp: EventTime, into output: inout some RecordCollector<Output>) throws

    /// Called once after the last record; may emit final records.
    mutating func finish(into output: inout some RecordCollector<Output>) throws
}

extension ProcessFunction {
    public var sideOutputs: [AnySideOutput] { [] }
    public mutating func open(context: OperatorContext) throws {}
    public mutating func finish(into output: inout some RecordCollector<Output>) throws {}
}

/// The operator behind ``ProcessFunction``: the function's loop over each batch.
public struct ProcessOperator<Function: ProcessFunction>: OneInputOperator, Sendable {
    public typealias Input = Function.Input
    public typealias Output = Function.Output

    @usableFromInline var function: Function  // protected by the owning task (confinement)

    public init(_ function: Function) {
        self.function = function
    }

    public mutating func open(context: OperatorContext) throws {
        try function.open(context: context)
    }

    @inlinable
    public mutating func process(_ input: inout Batch<Input>, into output: inout Batch<Output>) throws {
        try output.withAppender(reservingCapacity: input.count) { appender in
            try input.withUnsafeBuffers { records, timestamps in
                for index in records.indices {
                    do {
                        try function.process(records[index], at: timestamps[index], into: &appender)
                    } catch {
                        throw RecordFailure(stage: 0, recordIndex: index, record: FlowError.describe(records[index]), underlying: error)
                    }
                }
            }
        }
        input.removeAll(keepingCapacity: true)
    }

    public mutating func finish(into output: inout Batch<Output>) throws {
        try output.withAppender { appender in try function.finish(into: &appender) }
    }
}
