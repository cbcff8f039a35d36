/// A pair of map functions as a type, one per input of connected streams: the typed form of
/// ``CoMap``, which the compiler can inline into the fused loop (see ``MapFunction``).
///
/// ```swift
/// struct Describe: CoMapFunction {
///     func mapFirst(_ reading: Reading) -> String { "reading \(reading.value)" }
///     func mapSecond(_ rule: Rule) -> String { "rule \(rule.name)" }
/// }
/// ```
public protocol CoMapFunction<First, Second, Output>: Sendable {
    /// The type of the first input's records.
    associatedtype First: Sendable
    /// The type of the second input's records.
    associatedtype Second: Sendable
    /// The type of the records produced.
    associatedtype Output: Sendable

    /// Transforms one record of the first input.
    ///
    /// - Complexity: called once per record of the first input.
    func mapFirst(_ value: First) throws -> Output

    /// Transforms one record of the second input.
    ///
    /// - Complexity: called once per record of the second input.
    func mapSecond(_ value: Second) throws -> Output
}
