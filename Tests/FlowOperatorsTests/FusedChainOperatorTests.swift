import FlowCore
import FlowOperators
import Testing

@Suite struct FusedChainOperatorTests {
    /// Map ×10 → keep multiples of 20 → describe.
    private func threeStages() -> _Chain2<_Chain2<Map<Int, Int>, Filter<Int>>, Map<Int, String>> {
        _Chain2(
            _Chain2(Map { (value: Int) in value * 10 }, Filter { (value: Int) in value % 20 == 0 }),
            Map { (value: Int) in "v\(value)" })
    }

    @Test("a 3-stage chain runs every stage in order, keeps timestamps and empties its input")
    func threeStageChain() throws {
        var chainOperator = FusedChainOperator(threeStages())
        var input = stamped(1...6)
        var output = Batch<String>()
        try chainOperator.process(&input, into: &output)
        #expect(input.isEmpty)
        #expect(Array(output.records) == ["v20", "v40", "v60"])
        #expect(output.timestamps.map(\.milliseconds) == [2, 4, 6])
    }

    @Test("emptying the input keeps its capacity")
    func inputCapacityKept() throws {
        var chainOperator = FusedChainOperator(threeStages())
        var input = Batch<Int>(capacity: 64)
        for value in 0..<10 { input.append(value) }
        let capacity = input.capacity
        var output = Batch<String>()
        try chainOperator.process(&input, into: &output)
        #expect(input.isEmpty)
        #expect(input.capacity == capacity)
    }

    @Test("stageCount is the number of stages in the chain")
    func stageCount() {
        #expect(FusedChainOperator<Map<Int, Int>>.stageCount == 1)
        #expect(FusedChainOperator<_Chain2<Map<Int, Int>, Filter<Int>>>.stageCount == 2)
        #expect(FusedChainOperator<_Chain2<_Chain2<Map<Int, Int>, Filter<Int>>, Map<Int, String>>>.stageCount == 3)
        #expect(AnyOperator(FusedChainOperator(threeStages())).stageCount == 3)
    }

    @Test("internalStageCounts gives the records handed from each stage to the next, accumulated over batches")
    func handoffCounts() throws {
        var chainOperator = FusedChainOperator(threeStages())
        var counts: [Int] = []
        chainOperator.internalStageCounts(into: &counts)
        #expect(counts == [0, 0])

        var input = stamped(1...10)
        var output = Batch<String>()
        try chainOperator.process(&input, into: &output)
        counts = []
        chainOperator.internalStageCounts(into: &counts)
        #expect(counts == [10, 5])
        #expect(output.count == 5)

        input = stamped(1...3)
        try chainOperator.process(&input, into: &output)
        counts = []
        chainOperator.internalStageCounts(into: &counts)
        #expect(counts == [13, 6])
    }

    @Test("handoff counts do not depend on how the chain is nested")
    func handoffCountsIgnoreNesting() throws {
        let left = _Chain2(
            _Chain2(Map { (value: Int) in value + 1 }, Filter { (value: Int) in value > 3 }),
            FlatMap { (value: Int) in [value, value] })
        let right = _Chain2(
            Map { (value: Int) in value + 1 },
            _Chain2(Filter { (value: Int) in value > 3 }, FlatMap { (value: Int) in [value, value] }))
        var leftOperator = FusedChainOperator(left)
        var rightOperator = FusedChainOperator(right)
        var leftInput = stamped(0..<8)
        var rightInput = stamped(0..<8)
        var leftOutput = Batch<Int>()
        var rightOutput = Batch<Int>()
        try leftOperator.process(&leftInput, into: &leftOutput)
        try rightOperator.process(&rightInput, into: &rightOutput)
        #expect(leftOutput == rightOutput)
        var leftCounts: [Int] = []
        var rightCounts: [Int] = []
        leftOperator.internalStageCounts(into: &leftCounts)
        rightOperator.internalStageCounts(into: &rightCounts)
        // 8 mapped to 1...8, 5 of them (4...8) pass the filter.
        #expect(leftCounts == [8, 5])
        #expect(rightCounts == [8, 5])
        #expect(Array(leftOutput.records) == [4, 4, 5, 5, 6, 6, 7, 7, 8, 8])
    }

    @Test("a 4-stage chain counts each boundary: flatMap fan-out, filter, compactMap")
    func fourStageCounts() throws {
        let chain = _Chain2(
            _Chain2(
                _Chain2(
                    FlatMap { (value: Int) in [value, -value] },
                    Filter { (value: Int) in value > 0 }),
                CompactMap { (value: Int) in value.isMultiple(of: 2) ? value : nil }),
            Map { (value: Int) in value * 100 })
        var chainOperator = FusedChainOperator(chain)
        var input = stamped(1...6)
        var output = Batch<Int>()
        try chainOperator.process(&input, into: &output)
        #expect(Array(output.records) == [200, 400, 600])
        #expect(output.timestamps.map(\.milliseconds) == [2, 4, 6])
        var counts: [Int] = []
        chainOperator.internalStageCounts(into: &counts)
        #expect(counts == [12, 6, 3])
        #expect(type(of: chainOperator).stageCount == 4)
    }

    @Test(
        "a stage failing in the middle of a chain is named by its ordinal, with the input record's index and the record it received",
        arguments: [(1, 0), (2, 1), (4, 3)])
    func failureInMiddleStage(failingInput: Int, expectedIndex: Int) {
        let chain = _Chain2(
            _Chain2(
                Map { (value: Int) in value * 10 },
                Filter { (value: Int) throws -> Bool in
                    if value == failingInput * 10 { throw UserError(value: value) }
                    return true
                }),
            Map { (value: Int) in "\(value)" })
        let failure = #expect(throws: RecordFailure.self) { try runChainKeepingInput(chain, stamped(1...5)) }
        #expect(failure?.stage == 1)
        #expect(failure?.recordIndex == expectedIndex)
        #expect(failure?.record == "\(failingInput * 10)")
        #expect(failure?.underlying as? UserError == UserError(value: failingInput * 10))
    }

    @Test("each stage's failure carries that stage's 0-based ordinal", arguments: [0, 1, 2, 3])
    func failureOrdinals(failingStage: Int) {
        @Sendable func check(_ stage: Int, _ value: Int) throws -> Int {
            if stage == failingStage && value == 3 { throw UserError(value: stage) }
            return value
        }
        let chain = _Chain2(
            _Chain2(
                Map { (value: Int) in try check(0, value) },
                Filter { (value: Int) in try check(1, value) >= 0 }),
            _Chain2(
                CompactMap { (value: Int) in try check(2, value) },
                FlatMap { (value: Int) in [try check(3, value)] }))
        let failure = #expect(throws: RecordFailure.self) { try runChainKeepingInput(chain, Batch([1, 2, 3, 4])) }
        #expect(failure?.stage == failingStage)
        #expect(failure?.recordIndex == 2)
        #expect(failure?.record == "3")
        #expect(failure?.underlying as? UserError == UserError(value: failingStage))
    }

    @Test("a failure after a flatMap names the input record's index, not the expanded element's position")
    func failureAfterFanOut() {
        let chain = _Chain2(
            FlatMap { (value: Int) in [value, value + 100] },
            Map { (value: Int) throws -> Int in
                if value == 102 { throw UserError(value: value) }
                return value
            })
        let failure = #expect(throws: RecordFailure.self) { try runChainKeepingInput(chain, Batch([1, 2, 3])) }
        #expect(failure?.stage == 1)
        #expect(failure?.recordIndex == 1)
        #expect(failure?.record == "102")
    }

    @Test("the failing record is described truncated to 200 characters")
    func failingRecordTruncated() {
        let chain = _Chain2(
            Map { (value: Int) in String(repeating: "x", count: value) },
            Filter { (_: String) throws -> Bool in throw UserError(value: 0) })
        let failure = #expect(throws: RecordFailure.self) { try runChainKeepingInput(chain, Batch([500])) }
        #expect(failure?.record == String(repeating: "x", count: 200) + "…")
    }

    @Test("a chain's attributes are its last stage's")
    func chainAttributes() {
        var chain = _Chain2(Map { (value: Int) in value }.name("first"), Filter { (_: Int) in true }.name("last"))
        #expect(chain.attributes.name == "last")
        #expect(chain.attributes.kind == "Filter")
        chain.attributes.uid = "u"
        #expect(chain.attributes.uid == "u")
        #expect(chain.parallelism(3).attributes.parallelism == 3)
    }

    @Test("watermarks pass through unchanged and finish emits nothing")
    func defaultsOfTheOperator() throws {
        var chainOperator = FusedChainOperator(threeStages())
        var output = Batch<String>()
        let watermark = Watermark(EventTime(milliseconds: 9))
        #expect(try chainOperator.processWatermark(watermark, into: &output) == watermark)
        try chainOperator.finish(into: &output)
        #expect(output.isEmpty)
    }

    @Test("single-output stages compose as nested calls: which chains take that path")
    func singleOutputChains() {
        #expect(_Chain2<_Chain2<Map<Int, Int>, Filter<Int>>, CompactMap<Int, String>>.emitsAtMostOne)
        #expect(!_Chain2<Map<Int, Int>, FlatMap<Int, [Int]>>.emitsAtMostOne)
        #expect(_Chain2<Map<Int, Int>, Map<Int, Int>>.isOneToOne)
        #expect(!_Chain2<Map<Int, Int>, Filter<Int>>.isOneToOne)
    }

    @Test("the nested-call path and the push path give the same records, timestamps and counts")
    func applyMatchesPush() throws {
        // The same stages, once as single-output stages (nested calls), once ending in a
        // one-element flatMap (push path).
        let applied = _Chain2(
            _Chain2(Filter { (value: Int) in value % 2 == 0 }, Filter { (value: Int) in value % 3 == 0 }),
            CompactMap { (value: Int) in value > 6 ? "v\(value)" : nil })
        let pushed = _Chain2(
            _Chain2(Filter { (value: Int) in value % 2 == 0 }, Filter { (value: Int) in value % 3 == 0 }),
            FlatMap { (value: Int) in value > 6 ? ["v\(value)"] : [] })
        #expect(type(of: applied).emitsAtMostOne && !type(of: pushed).emitsAtMostOne)
        var appliedOperator = FusedChainOperator(applied)
        var pushedOperator = FusedChainOperator(pushed)
        var appliedOutput = Batch<String>()
        var pushedOutput = Batch<String>()
        for batch in [stamped(1...10), stamped(11...20)] {
            var first = batch
            var second = batch
            try appliedOperator.process(&first, into: &appliedOutput)
            try pushedOperator.process(&second, into: &pushedOutput)
        }
        #expect(Array(appliedOutput.records) == ["v12", "v18"])
        #expect(appliedOutput == pushedOutput)
        #expect(appliedOutput.timestamps.map(\.milliseconds) == [12, 18])
        var appliedCounts: [Int] = []
        var pushedCounts: [Int] = []
        appliedOperator.internalStageCounts(into: &appliedCounts)
        pushedOperator.internalStageCounts(into: &pushedCounts)
        // 20 in; 10 even; of those 3 (6, 12, 18) multiples of 3: two filters in a row are counted.
        #expect(appliedCounts == [10, 3])
        #expect(pushedCounts == appliedCounts)
    }

    /// A stage that says it emits at most one record but only implements `push`.
    struct Halve: FusableStage {
        typealias Input = Int
        typealias Output = Int
        var attributes = StageAttributes(kind: "Halve")
        static var emitsAtMostOne: Bool { true }
        mutating func assignOrdinals(from next: inout Int) { next += 1 }
        mutating func push<Collector: RecordCollector<Int>>(_ record: Int, at timestamp: EventTime, into collector: inout Collector) throws {
            if record.isMultiple(of: 2) { try collector.collect(record / 2, at: timestamp) }
        }
    }

    @Test("a stage without its own apply runs on the nested-call path through its push")
    func defaultApply() throws {
        let output = try runChain(_Chain2(Halve(), Map { (value: Int) in value * 10 }), stamped(1...6))
        #expect(Array(output.records) == [10, 20, 30])
        #expect(output.timestamps.map(\.milliseconds) == [2, 4, 6])
    }
}
