import Flow
import FlowTesting
import Testing

/// Sends even numbers to the main output and odd ones to a side output.
struct SplitOdd: ProcessFunction {
    typealias Input = Int
    typealias Output = Int
    let odd: SideOutput<Int>
    var oddOutput: SideOutputCollector<Int>?
    var sideOutputs: [AnySideOutput] { [odd.erased] }

    init(odd: SideOutput<Int>) { self.odd = odd }

    mutating func open(context: OperatorContext) throws { oddOutput = try context.sideOutput(odd) }

    mutating func process(_ value: Int, at timestamp: EventTime, into output: inout some RecordCollector<Int>) throws {
        if value % 2 == 0 {
            try output.collect(value, at: timestamp)
        } else {
            oddOutput?.append(value, at: timestamp)
        }
    }
}

/// Declares a side output of Strings (for the wrong-type check).
struct DeclaresStrings: ProcessFunction {
    typealias Input = Int
    typealias Output = Int
    let tag = SideOutput<String>("odd")
    var sideOutputs: [AnySideOutput] { [tag.erased] }
    mutating func process(_ value: Int, at timestamp: EventTime, into output: inout some RecordCollector<Int>) throws {
        try output.collect(value, at: timestamp)
    }
}

@Suite struct SideOutputTests {
    static let odd = SideOutput<Int>("odd")

    static func splitJob(_ configuration: ExecutionConfiguration, evens: CollectedRecords<Int>, odds: CollectedRecords<String>) throws -> Job {
        try Job.graph("split", configuration: configuration) { graph in
            let main = graph.source(Source(Array(0..<2_000))).process(SplitOdd(odd: odd))
            main.map { $0 * 10 }.sink(.collect(into: evens))
            main.sideOutput(odd).map { "odd \($0)" }.sink(.collect(into: odds))
        }
    }

    @Test("A process function splits a stream: main and side output each get their records, complete and in order, under every variant")
    func splitsEverywhere() async throws {
        let evens = CollectedRecords<Int>()
        let odds = CollectedRecords<String>()
        let results = try await ExecutionVariants.run(
            makeJob: { configuration in
                evens.removeAll()
                odds.removeAll()
                return try Self.splitJob(configuration, evens: evens, odds: odds)
            },
            collect: { (evens.records, odds.records) })
        for (variant, output) in results {
            #expect(output.0 == stride(from: 0, to: 2_000, by: 2).map { $0 * 10 }, "\(variant)")
            #expect(output.1 == stride(from: 1, to: 2_000, by: 2).map { "odd \($0)" }, "\(variant)")
        }
    }

    @Test("A side output has its own stage, task and metrics, and can be keyed and run in parallel")
    func sideOutputIsAStream() async throws {
        let sums = CollectedRecords<Keyed<Int, Int>>()
        let evens = CollectedRecords<Int>()
        let job = try Job.graph("side keyed") { graph in
            let main = graph.source(Source(Array(0..<1_000))).process(SplitOdd(odd: Self.odd))
            main.sink(.collect(into: evens))
            main.sideOutput(Self.odd).keyBy { $0 % 3 }.sum { $0 }.parallelism(2).sink(.collect(into: sums))
        }
        let result = try await job.run(on: .dispatch)
        let expected = Dictionary(grouping: stride(from: 1, to: 1_000, by: 2), by: { $0 % 3 }).mapValues { $0.reduce(0, +) }
        #expect(lastValues(sums.records) == expected)
        #expect(evens.records.count == 500)
        let side = try #require(result.metrics.stages.first { $0.kind == "SideOutput" && $0.name == "odd" })
        #expect(side.recordsIn == 500 && side.recordsOut == 500)
    }

    private static func planError(_ build: (JobGraph) -> Void) -> FlowError? {
        do {
            _ = try Job.graph("bad", build)
            return nil
        } catch {
            return error as? FlowError
        }
    }

    @Test("explain() shows the side output's edge and stage")
    func explainShowsSideOutputs() throws {
        let job = try Job.graph("split") { graph in
            let main = graph.source(Source(Array(0..<10))).process(SplitOdd(odd: Self.odd))
            main.sink(.discard)
            main.sideOutput(Self.odd).map { "\($0)" }.sink(.discard)
        }
        let text = job.explain()
        #expect(text.contains("──forward, side output 'odd'──►"))
        #expect(text.contains("SideOutput 'odd'"))
        #expect(job.explain(.json).contains("\"sideOutput\" : \"odd\""))
    }

    @Test("A side output that no stage consumes is a plan-time error naming the stage")
    func unconsumedIsAnError() {
        let error = Self.planError { graph in
            graph.source(Source([1, 2, 3])).process(SplitOdd(odd: Self.odd)).name("split").sink(.discard)
        }
        #expect(error?.code == .invalidGraph)
        #expect(error?.stageName == "split")
        #expect(error?.message.contains("emits to the side output 'odd' (Int) but no stage consumes it") == true)
    }

    @Test("A side output consumed with another record type than declared is a plan-time error naming the stage and both types")
    func wrongTypeIsAnError() {
        let error = Self.planError { graph in
            let main = graph.source(Source([1, 2, 3])).process(DeclaresStrings()).name("strings")
            main.sink(.discard)
            main.sideOutput(SideOutput<Int>("odd")).sink(.discard)
        }
        #expect(error?.stageName == "strings")
        #expect(error?.message.contains("emits String records to its side output 'odd', but it is consumed as Int") == true)
    }

    @Test("Consuming a side output a stage does not declare, or only the side outputs, is a plan-time error")
    func undeclaredOrMainUnconsumed() {
        let undeclared = Self.planError { graph in
            let main = graph.source(Source([1, 2, 3])).map { $0 + 1 }.name("plain")
            main.sink(.discard)
            main.sideOutput(Self.odd).sink(.discard)
        }
        #expect(undeclared?.message.contains("has no side output 'odd', but a stage consumes it") == true)
        let undeclaredOnly = Self.planError { graph in
            graph.source(Source([1, 2, 3])).map { $0 + 1 }.name("plain").sideOutput(Self.odd).sink(.discard)
        }
        #expect(undeclaredOnly?.message.contains("has no side output 'odd', but a stage consumes it") == true)
        let mainUnused = Self.planError { graph in
            let main = graph.source(Source([1, 2, 3])).process(SplitOdd(odd: Self.odd)).name("split")
            main.sideOutput(Self.odd).sink(.discard)
        }
        #expect(mainUnused?.message.contains("main output that go nowhere") == true)
    }
}

@Suite struct SideOutputHarnessTests {
    @Test("The harness reads a side output, and its end() reports side-output records left unread")
    func harnessReadsSideOutputs() throws {
        let odd = SideOutput<Int>("odd")
        var harness = try OperatorHarness(ProcessOperator(SplitOdd(odd: odd)), sideOutputs: [odd.erased])
        try harness.push([1, 2, 3, 4, 5])
        #expect(harness.takeOutput() == [2, 4])
        #expect(try harness.takeSideOutput(odd) == [1, 3, 5])
        try harness.push([7])
        #expect { try harness.end() } throws: { error in
            (error as? UnreadOutput)?.description.contains("side output 'odd'") == true
        }
    }

    @Test("An operator asking for a side output the harness (or the plan) does not route gets a clear error")
    func unroutedSideOutputIsAnError() {
        #expect { _ = try OperatorHarness(ProcessOperator(SplitOdd(odd: SideOutput<Int>("odd")))) } throws: { error in
            (error as? FlowError)?.message.contains("the side output 'odd' is not declared by the stage") == true
        }
    }
}
