import FlowCore
import FlowOperators
import Testing

/// Runs `batch` through a fresh `FusedChainOperator` of `chain` and returns the output.
func runChain<Chain: FusableStage>(_ chain: Chain, _ batch: Batch<Chain.Input>) throws -> Batch<Chain.Output> {
    var chainOperator = FusedChainOperator(chain)
    var input = batch
    var output = Batch<Chain.Output>()
    try chainOperator.process(&input, into: &output)
    #expect(input.isEmpty, "the operator must empty its input")
    return output
}

/// Numbers stamped with their own value as event time (so a timestamp says which input a record came from).
func stamped(_ values: some Sequence<Int>) -> Batch<Int> {
    var batch = Batch<Int>()
    for value in values { batch.append(value, at: EventTime(milliseconds: Int64(value))) }
    return batch
}

/// An error a user function throws in tests.
struct UserError: Error, Equatable {
    var value: Int
}

/// A keyed test record.
struct Reading: Sendable, Equatable, CustomStringConvertible {
    var sensor: String
    var value: Int
    var description: String { "\(sensor)=\(value)" }
}

/// Like `runChain` but without the emptiness check (a failed batch is not required to be emptied).
func runChainKeepingInput<Chain: FusableStage>(_ chain: Chain, _ batch: Batch<Chain.Input>) throws {
    var chainOperator = FusedChainOperator(chain)
    var input = batch
    var output = Batch<Chain.Output>()
    try chainOperator.process(&input, into: &output)
}

/// Folds `inputs` into a fresh accumulator of `function`.
func fold<Function: AggregateFunction>(_ function: Function, _ inputs: [Function.Input]) throws -> Function.Accumulator {
    var accumulator = function.makeAccumulator()
    for input in inputs { try function.add(input, to: &accumulator) }
    return accumulator
}

/// Checks that merging the accumulators of two halves gives the result of the whole.
func mergeMatchesWhole<Function: AggregateFunction>(
    _ function: Function, _ left: [Function.Input], _ right: [Function.Input]
) throws -> (merged: Function.Result, whole: Function.Result) {
    var merged = try fold(function, left)
    function.merge(try fold(function, right), into: &merged)
    return (function.result(of: merged), function.result(of: try fold(function, left + right)))
}
