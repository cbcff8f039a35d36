import Flow
import Testing

struct Triple: MapFunction {
    func map(_ input: Int) -> Int { input * 3 }
}

struct Odd: FilterFunction {
    func isIncluded(_ element: Int) -> Bool { element % 2 == 1 }
}

struct Squares: GeneratorFunction {
    func make(_ sequenceNumber: Int64) -> Int { Int(sequenceNumber * sequenceNumber) }
}

struct Refuses: MapFunction {
    func map(_ input: Int) throws -> Int {
        if input == 9 { throw TestFailure(reason: "nine") }
        return input
    }
}

@Suite("Stages written as types")
struct TypedStagesTests {
    @Test("MapWith, FilterWith and a GeneratorFunction give what their closure forms give")
    func sameAsClosures() async throws {
        let typed = CollectedRecords<Int>()
        let closures = CollectedRecords<Int>()
        let typedJob = try Job("typed") {
            Source.generator(count: 50, function: Squares())
            MapWith(Triple())
            FilterWith(Odd())
            Sink(.collect(into: typed))
        }
        try await typedJob.run()
        try await Job("closures") {
            Source.generator(count: 50) { (n: Int64) in Int(n * n) }
            Map { (x: Int) in x * 3 }
            Filter { (x: Int) in x % 2 == 1 }
            Sink(.collect(into: closures))
        }.run()
        #expect(typed.records == closures.records)
        #expect(typed.records == (0..<50).map { $0 * $0 * 3 }.filter { $0 % 2 == 1 })
        #expect(typedJob.plan.tasks.count == 1 && typedJob.plan.tasks[0].sourceStageCount == 3 && typedJob.plan.tasks[0].pieces.isEmpty)
        #expect(typedJob.plan.tasks[0].stages.map(\.kind) == ["Source", "Map", "Filter", "Collect"])
    }

    @Test("A throwing MapFunction names its stage like a closure does")
    func failure() async throws {
        let job = try Job("typed-fails") {
            Source(Array(0..<20))
            MapWith(Refuses()).name("refuses")
            Sink(.discard)
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.stageName == "refuses")
        #expect(error?.recordPosition == 9)
        #expect(error?.underlying as? TestFailure == TestFailure(reason: "nine"))
    }

    @Test("The fluent API takes typed stages through apply")
    func fluent() async throws {
        let out = CollectedRecords<Int>()
        let job = try Job.graph("typed-fluent") { graph in
            graph.source(Source([1, 2, 3, 4, 5])).apply(MapWith(Triple())).apply(FilterWith(Odd())).sink(.collect(into: out))
        }
        try await job.run()
        #expect(out.records == [3, 9, 15])
    }
}
