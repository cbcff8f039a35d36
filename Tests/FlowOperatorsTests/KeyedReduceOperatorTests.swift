import FlowCore
import FlowOperators
import Testing

@Suite struct KeyedReduceOperatorTests {
    private func summing() -> KeyedReduceOperator<ClosureReduceFunction<Reading>, String> {
        KeyedReduceOperator(key: { $0.sensor }, combine: { Reading(sensor: $0.sensor, value: $0.value + $1.value) })
    }

    @Test("emits, per input record, the new reduced value of its key, with the record's timestamp")
    func runningReduce() throws {
        var reduce = summing()
        var input = Batch<Reading>()
        let values = [("a", 1), ("b", 10), ("a", 2), ("a", 3), ("b", 20), ("c", 5)]
        for (index, (sensor, value)) in values.enumerated() {
            input.append(Reading(sensor: sensor, value: value), at: EventTime(milliseconds: Int64(100 + index)))
        }
        var output = Batch<Reading>()
        try reduce.process(&input, into: &output)
        #expect(input.isEmpty)
        #expect(output.records.map(\.description) == ["a=1", "b=10", "a=3", "a=6", "b=30", "c=5"])
        #expect(output.timestamps.map(\.milliseconds) == [100, 101, 102, 103, 104, 105])
        #expect(reduce.keyCount == 3)
    }

    @Test("state persists across batches")
    func stateAcrossBatches() throws {
        var reduce = summing()
        var output = Batch<Reading>()
        var first = Batch([Reading(sensor: "x", value: 4)])
        try reduce.process(&first, into: &output)
        var second = Batch([Reading(sensor: "x", value: 5), Reading(sensor: "y", value: 1)])
        try reduce.process(&second, into: &output)
        #expect(output.records.map(\.description) == ["x=4", "x=9", "y=1"])
        #expect(reduce.keyCount == 2)
    }

    @Test("combine receives the value so far first and the new record second")
    func combineArgumentOrder() throws {
        var reduce = KeyedReduceOperator<ClosureReduceFunction<String>, Int>(key: { _ in 0 }, combine: { $0 + $1 })
        var input = Batch(["a", "b", "c"])
        var output = Batch<String>()
        try reduce.process(&input, into: &output)
        #expect(Array(output.records) == ["a", "ab", "abc"])
    }

    @Test("a throwing combine raises RecordFailure with the record's index and description")
    func throwingCombine() {
        var reduce = KeyedReduceOperator<ClosureReduceFunction<Reading>, String>(
            key: { $0.sensor },
            combine: { _, next in
                if next.value < 0 { throw UserError(value: next.value) }
                return next
            })
        var input = Batch([Reading(sensor: "a", value: 1), Reading(sensor: "b", value: -1), Reading(sensor: "a", value: -2)])
        var output = Batch<Reading>()
        let failure = #expect(throws: RecordFailure.self) { try reduce.process(&input, into: &output) }
        #expect(failure?.stage == 0)
        #expect(failure?.recordIndex == 2)
        #expect(failure?.record == "a=-2")
        #expect(failure?.origin == .function)
        #expect(failure?.underlying as? UserError == UserError(value: -2))
    }

    @Test("a throwing key selector raises RecordFailure with the record's index")
    func throwingKey() {
        var reduce = KeyedReduceOperator<ClosureReduceFunction<Int>, Int>(
            key: { value in
                if value == 3 { throw UserError(value: 3) }
                return value
            }, combine: { $0 + $1 })
        var input = Batch([1, 2, 3])
        var output = Batch<Int>()
        let failure = #expect(throws: RecordFailure.self) { try reduce.process(&input, into: &output) }
        #expect(failure?.recordIndex == 2)
        #expect(failure?.record == "3")
        #expect(failure?.origin == .keySelector)
    }

    @Test("a key that is not equal to itself (NaN) raises RecordFailure blaming the key, and keeps no state for it")
    func nanKey() {
        var reduce = KeyedReduceOperator<ClosureReduceFunction<Double>, Double>(key: { $0 }, combine: { $0 + $1 })
        var input = Batch([1.0, .nan])
        var output = Batch<Double>()
        let failure = #expect(throws: RecordFailure.self) { try reduce.process(&input, into: &output) }
        #expect(failure?.recordIndex == 1)
        #expect(failure?.origin == .key)
        #expect(failure?.underlying is KeyNotEqualToItself)
        #expect(reduce.keyCount == 1)
    }

    @Test("the Reduce stage has kind Reduce and keeps its function")
    func reduceStage() throws {
        let stage = Reduce { (a: Int, b: Int) in Swift.max(a, b) }.name("largest")
        #expect(stage.attributes.kind == "Reduce")
        #expect(stage.attributes.displayName == "largest")
        #expect(try stage.combine(3, 8) == 8)
    }
}
