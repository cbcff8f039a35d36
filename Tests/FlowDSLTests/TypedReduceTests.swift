import Flow
import FlowTesting
import Testing

/// The highest value per key so far, as a type.
private struct Highest: ReduceFunction {
    func reduce(_ accumulated: Int, _ next: Int) -> Int { Swift.max(accumulated, next) }
}

/// Fails on a negative record, naming it.
private struct NoNegatives: ReduceFunction {
    struct Negative: Error {}
    func reduce(_ accumulated: Int, _ next: Int) throws -> Int {
        if next < 0 { throw Negative() }
        return accumulated + next
    }
}

/// A keyed reduce written as a type (`ReduceWith`, fluent `reduce(_:)` with a `ReduceFunction`)
/// gives what the same reduce as a closure gives.
@Suite struct TypedReduceTests {
    static let input = [3, 9, 1, 12, 7, 4, 15, 2, 8, 11]

    @Test("ReduceWith in the DSL and reduce(function) in the fluent API match Reduce with a closure, every way a job runs")
    func typedMatchesClosure() async throws {
        let out = CollectedRecords<Int>()
        let jobs: [(String, (ExecutionConfiguration) throws -> Job)] = [
            (
                "DSL, ReduceWith",
                { configuration in
                    try Job("typed", configuration: configuration) {
                        Source(Self.input)
                        KeyBy { (x: Int) in x % 3 }
                        ReduceWith(Highest()).uid("highest")
                        Sink(.collect(into: out))
                    }
                }
            ),
            (
                "DSL, Reduce with a closure",
                { configuration in
                    try Job("closure", configuration: configuration) {
                        Source(Self.input)
                        KeyBy { (x: Int) in x % 3 }
                        Reduce { (a: Int, b: Int) in Swift.max(a, b) }.uid("highest")
                        Sink(.collect(into: out))
                    }
                }
            ),
            (
                "fluent, reduce(Highest())",
                { configuration in
                    try Job.graph("fluent", configuration: configuration) { graph in
                        graph.source(Source(Self.input)).keyBy { $0 % 3 }.reduce(Highest()).sink(.collect(into: out))
                    }
                }
            ),
        ]
        // Per key, the highest so far, in the key's order (by hand: key 0 gets 3, 9, 12, 15; key 1
        // gets 1, 7, 4; key 2 gets 2, 8, 11).
        let expected: [Int: [Int]] = [0: [3, 9, 12, 15], 1: [1, 7, 7], 2: [2, 8, 11]]
        for (label, make) in jobs {
            let results = try await ExecutionVariants.run(
                seeds: 0..<10,
                makeJob: { configuration in
                    out.removeAll()
                    return try make(configuration)
                }, collect: { out.records })
            for (variant, output) in results {
                // The highest so far of a key is the key's value, whatever it is (x % 3 is the key).
                let perKey = Dictionary(grouping: output) { $0 % 3 }
                #expect(perKey == expected, "\(label), \(variant)")
            }
        }
    }

    @Test("A throwing ReduceFunction fails the job naming the stage and the record")
    func throwingFunctionNamesRecord() async throws {
        let job = try Job("negative") {
            Source([1, 2, -5, 4])
            KeyBy { (_: Int) in 0 }
            ReduceWith(NoNegatives()).name("no-negatives")
            Sink(.discard)
        }
        await #expect { try await job.run() } throws: { error in
            let error = error as? FlowError
            return error?.code == .userFunctionFailed && error?.stageName == "no-negatives" && error?.record == "-5"
        }
    }
}
