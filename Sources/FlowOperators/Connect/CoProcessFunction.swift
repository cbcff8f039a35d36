public import FlowCore

/// A function of two inputs that may keep state across records (Flink's `CoProcessFunction`).
///
/// Each parallel instance of the stage runs its own copy of the function value, made from the
/// value given to `process(_:)` when the job starts; fields of the function are that instance's
/// state. Records of both inputs arrive one at a time, in order within each input; how the two
/// inputs interleave is not specified.
///
/// A conforming type declares `typealias Output`: Swift infers `First` and `Second` from the
/// methods but cannot infer a type from the `some RecordCollector<Output>` parameter.
///
/// ```swift
/// /// Passes words through, except those blocked by the second input so far.
/// struct Blocklist: CoProcessFunction {
///     typealias Output = String
///     var blocked: Set<String> = []
///     mutating func processFirst(_ word: String, at timestamp: EventTime, into output: inout some RecordCollector<String>) throws {
///         if !blocked.contains(word) { try output.collect(word, at: timestamp) }
///     }
///     mutating func processSecond(_ word: String, at timestamp: EventTime, into output: inout some RecordCollector<String>) throws {
///         blocked.insert(word)
///     }
/// }
/// ```
///
/// ## Concurrency
/// Each copy is owned by the one task instance that runs it; it is never called from two threads.
/// Its state is not shared between instances nor kept between runs of a job.
public protocol CoProcessFunction<First, Second, Output>: Sendable {
    /// The type of the first input's records.
    associatedtype First: Sendable
    /// The type of the second input's records.
    associatedtype Second: Sendable
    /// The type of the records produced.
    associatedtype Output: Sendable

    /// Handles one record of the first input, which arrived with event time `timestamp`; emits
    /// any number of records into `output` (usually at `timestamp`).
    ///
    /// - Throws: anything; the job fails naming the stage and the record.
    /// - Complexity: called once per record of the first input.
    mutating func processFirst(_ value: First, at timestamp: EventTime, into output: inout some RecordCollector<Output>) throws

    /// Handles one record of the second input, which arrived with event time `timestamp`; emits
    /// any number of records into `output` (usually at `timestamp`).
    ///
    /// - Throws: anything; the job fails naming the stage and the record.
    /// - Complexity: called once per record of the second input.
    mutating func processSecond(_ value: Second, at timestamp: EventTime, into output: inout some RecordCollector<Output>) throws

    /// Called once when both inputs have ended; may emit final records. Does nothing by default.
    mutating func finish(into output: inout some RecordCollector<Output>) throws
}

extension CoProcessFunction {
    public mutating func finish(into output: inout some RecordCollector<Output>) throws {}
}
