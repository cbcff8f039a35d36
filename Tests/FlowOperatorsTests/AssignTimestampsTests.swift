import FlowCore
import FlowOperators
import Testing

@Suite struct AssignTimestampsTests {
    /// ×10 → stamp with the value + 1000 → keep multiples of 20 → describe: the stamp in the middle.
    private func chain() -> _Chain2<_Chain2<_Chain2<Map<Int, Int>, AssignTimestamps<Int>>, Filter<Int>>, Map<Int, String>> {
        _Chain2(
            _Chain2(
                _Chain2(
                    Map { (value: Int) in value * 10 },
                    AssignTimestamps { (value: Int) in EventTime(milliseconds: Int64(value) + 1000) }),
                Filter { (value: Int) in value % 20 == 0 }),
            Map { (value: Int) in "v\(value)" })
    }

    @Test("sets each record's timestamp from the record and passes the record on unchanged")
    func stampsEveryRecord() throws {
        let output = try runChain(AssignTimestamps { (value: Int) in EventTime(milliseconds: Int64(value * 2)) }, stamped([3, 1, 2]))
        #expect(Array(output.records) == [3, 1, 2])
        #expect(output.timestamps.map(\.milliseconds) == [6, 2, 4])
    }

    @Test("in the middle of a chain: the stages after it see its timestamps, and the chain stays on the nested-call path")
    func middleOfChain() throws {
        #expect(type(of: chain()).emitsAtMostOne, "a timestamp assigner keeps the chain on the nested-call path")
        #expect(AssignTimestamps<Int>.isOneToOne && AssignTimestamps<Int>.emitsAtMostOne)
        let output = try runChain(chain(), stamped(1...6))
        #expect(Array(output.records) == ["v20", "v40", "v60"])
        #expect(output.timestamps.map(\.milliseconds) == [1020, 1040, 1060])
    }

    @Test("the nested-call path and the push path give the same records, timestamps and counts")
    func applyMatchesPush() throws {
        let stamp = AssignTimestamps { (value: Int) in EventTime(milliseconds: Int64(value) * 3) }
        let applied = _Chain2(_Chain2(Filter { (value: Int) in value % 2 == 0 }, stamp), Map { (value: Int) in value + 1 })
        let pushed = _Chain2(_Chain2(Filter { (value: Int) in value % 2 == 0 }, stamp), FlatMap { (value: Int) in CollectionOfOne(value + 1) })
        #expect(type(of: applied).emitsAtMostOne && !type(of: pushed).emitsAtMostOne)
        var appliedOperator = FusedChainOperator(applied)
        var pushedOperator = FusedChainOperator(pushed)
        var appliedOutput = Batch<Int>()
        var pushedOutput = Batch<Int>()
        var first = stamped(1...8)
        var second = stamped(1...8)
        try appliedOperator.process(&first, into: &appliedOutput)
        try pushedOperator.process(&second, into: &pushedOutput)
        #expect(Array(appliedOutput.records) == [3, 5, 7, 9])
        #expect(appliedOutput.timestamps.map(\.milliseconds) == [6, 12, 18, 24])
        #expect(appliedOutput == pushedOutput)
        var appliedCounts: [Int] = []
        var pushedCounts: [Int] = []
        appliedOperator.internalStageCounts(into: &appliedCounts)
        pushedOperator.internalStageCounts(into: &pushedCounts)
        #expect(appliedCounts == [4, 4])
        #expect(pushedCounts == appliedCounts)
    }

    @Test("a stage after it that falls back to push sees its timestamp")
    func defaultApplySeesTimestamp() throws {
        let output = try runChain(
            _Chain2(
                AssignTimestamps { (value: Int) in EventTime(milliseconds: Int64(value) + 100) },
                FusedChainOperatorTests.Halve()), stamped(1...4))
        #expect(Array(output.records) == [1, 2])
        #expect(output.timestamps.map(\.milliseconds) == [102, 104])
    }

    /// An assigner as a type.
    struct Doubled: TimestampAssigner {
        func timestamp(of element: Int) -> EventTime { EventTime(milliseconds: Int64(element) * 2) }
    }

    @Test("an assigner written as a type runs as the closure does")
    func typedAssigner() throws {
        let output = try runChain(_Chain2(AssignTimestampsWith(Doubled()), Map { (value: Int) in value }), stamped([5, 7]))
        #expect(output.timestamps.map(\.milliseconds) == [10, 14])
    }

    @Test("a throwing assigner raises RecordFailure naming its stage and the record")
    func throwing() {
        let chain = _Chain2(
            Map { (value: Int) in value },
            AssignTimestamps { (value: Int) throws -> EventTime in
                if value == 7 { throw UserError(value: value) }
                return EventTime(milliseconds: 0)
            })
        let failure = #expect(throws: RecordFailure.self) { try runChainKeepingInput(chain, stamped([5, 6, 7, 8])) }
        #expect(failure?.stage == 1)
        #expect(failure?.recordIndex == 2)
        #expect(failure?.record == "7")
        #expect(failure?.underlying as? UserError == UserError(value: 7))
    }

    @Test("attributes: kind AssignTimestamps, modifiers apply")
    func attributes() {
        let stage = AssignTimestamps { (value: Int) in EventTime(milliseconds: Int64(value)) }.name("stamp").uid("t1")
        #expect(stage.attributes.kind == "AssignTimestamps")
        #expect(stage.attributes.name == "stamp")
        #expect(stage.attributes.uid == "t1")
    }
}
