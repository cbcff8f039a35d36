public import FlowCore

/// A function of two key-partitioned inputs with state per key (Flink's `KeyedCoProcessFunction`).
///
/// Records of both inputs with equal keys reach the same parallel instance; for each record the
/// function receives its key and that key's state, `nil` until the function first sets it.
/// Setting the state to `nil` removes the key's state.
///
/// A conforming type declares `typealias Output`: Swift infers the other types from the methods
/// but cannot infer a type from the `some RecordCollector<Output>` parameter.
///
/// ```swift
/// /// Passes each user's events unless a rule from the second input blocked that user.
/// struct BlockUsers: KeyedCoProcessFunction {
///     typealias Output = Event
///     func processFirst(_ event: Event, at timestamp: EventTime, key: String, state blocked: inout Bool?,
///                       into output: inout some RecordCollector<Event>) throws {
///         if blocked != true { try output.collect(event, at: timestamp) }
///     }
///     func processSecond(_ rule: Rule, at timestamp: EventTime, key: String, state blocked: inout Bool?,
///                        into output: inout some RecordCollector<Event>) throws {
///         blocked = rule.blocks
///     }
/// }
/// ```
///
/// ## Concurrency
/// The function is a constant value shared by the keys of one instance; the per-key state is
/// owned by the instance's operator, confined to its task.
public protocol KeyedCoProcessFunction<Key, First, Second, Output>: Sendable {
    /// The type of the key both inputs are partitioned by (stable-hashable: it picks the key
    /// group that holds the key's state).
    associatedtype Key: Hashable & Sendable & StableHashable
    /// The type of the first input's records.
    associatedtype First: Sendable
    /// The type of the second input's records.
    associatedtype Second: Sendable
    /// The type of the records produced.
    associatedtype Output: Sendable
    /// The state kept per key.
    associatedtype State: Sendable

    /// Handles one record of the first input with key `key`; reads and updates the key's `state`
    /// and emits any number of records into `output` (usually at `timestamp`).
    ///
    /// - Throws: anything; the job fails naming the stage and the record.
    /// - Complexity: called once per record of the first input, after one probe for its key.
    func processFirst(
        _ value: First, at timestamp: EventTime, key: Key, state: inout State?,
        into output: inout some RecordCollector<Output>) throws

    /// Handles one record of the second input with key `key`; reads and updates the key's
    /// `state` and emits any number of records into `output` (usually at `timestamp`).
    ///
    /// - Throws: anything; the job fails naming the stage and the record.
    /// - Complexity: called once per record of the second input, after one probe for its key.
    func processSecond(
        _ value: Second, at timestamp: EventTime, key: Key, state: inout State?,
        into output: inout some RecordCollector<Output>) throws
}
