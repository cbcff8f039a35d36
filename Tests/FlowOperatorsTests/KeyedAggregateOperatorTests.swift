import FlowCore
import FlowOperators
import Testing

@Suite struct KeyedAggregateOperatorTests {
    private func readings(_ pairs: [(String, Int)]) -> Batch<Reading> {
        var batch = Batch<Reading>()
        for (index, (sensor, value)) in pairs.enumerated() {
            batch.append(Reading(sensor: sensor, value: value), at: EventTime(milliseconds: Int64(index)))
        }
        return batch
    }

    private let sample: [(String, Int)] = [("a", 5), ("b", 2), ("a", 3), ("a", 9), ("b", 1)]

    @Test("TypedCount emits the running count of each key, with the record's timestamp")
    func count() throws {
        var aggregate = KeyedAggregateOperator(key: { (word: String) in word }, function: TypedCount<String>())
        var input = Batch(["to", "be", "or", "not", "to", "be", "to"], timestamp: EventTime(milliseconds: 77))
        var output = Batch<Keyed<String, Int>>()
        try aggregate.process(&input, into: &output)
        #expect(input.isEmpty)
        #expect(
            Array(output.records) == [
                Keyed(key: "to", value: 1), Keyed(key: "be", value: 1), Keyed(key: "or", value: 1), Keyed(key: "not", value: 1),
                Keyed(key: "to", value: 2), Keyed(key: "be", value: 2), Keyed(key: "to", value: 3),
            ])
        #expect(output.timestamps.allSatisfy { $0 == EventTime(milliseconds: 77) })
    }

    @Test("SumAggregate emits the running sum of each key")
    func sum() throws {
        var aggregate = KeyedAggregateOperator(
            key: { (reading: Reading) in reading.sensor },
            function: SumAggregate { (reading: Reading) in reading.value })
        var input = readings(sample)
        var output = Batch<Keyed<String, Int>>()
        try aggregate.process(&input, into: &output)
        #expect(output.records.map(\.value) == [5, 2, 8, 17, 3])
        #expect(output.records.map(\.key) == ["a", "b", "a", "a", "b"])
        #expect(output.timestamps.map(\.milliseconds) == [0, 1, 2, 3, 4])
    }

    @Test("MinAggregate and MaxAggregate emit the running extreme of each key")
    func minAndMax() throws {
        var minimum = KeyedAggregateOperator(
            key: { (reading: Reading) in reading.sensor },
            function: MinAggregate { (reading: Reading) in reading.value })
        var maximum = KeyedAggregateOperator(
            key: { (reading: Reading) in reading.sensor },
            function: MaxAggregate { (reading: Reading) in reading.value })
        var input = readings(sample)
        var minOutput = Batch<Keyed<String, Int?>>()
        try minimum.process(&input, into: &minOutput)
        input = readings(sample)
        var maxOutput = Batch<Keyed<String, Int?>>()
        try maximum.process(&input, into: &maxOutput)
        #expect(minOutput.records.map(\.value) == [5, 2, 3, 3, 1])
        #expect(maxOutput.records.map(\.value) == [5, 2, 5, 9, 2])
    }

    @Test("AverageAggregate emits the running mean of each key")
    func average() throws {
        var aggregate = KeyedAggregateOperator(
            key: { (reading: Reading) in reading.sensor },
            function: AverageAggregate { (reading: Reading) in Double(reading.value) })
        var input = readings(sample)
        var output = Batch<Keyed<String, Double>>()
        try aggregate.process(&input, into: &output)
        #expect(output.records.map(\.value) == [5, 2, 4, 17.0 / 3, 1.5])
    }

    @Test("state persists across batches")
    func stateAcrossBatches() throws {
        var aggregate = KeyedAggregateOperator(key: { (value: Int) in value % 2 }, function: TypedCount<Int>())
        var output = Batch<Keyed<Int, Int>>()
        var first = Batch([1, 2, 3])
        try aggregate.process(&first, into: &output)
        var second = Batch([5, 4])
        try aggregate.process(&second, into: &output)
        #expect(output.records.map(\.value) == [1, 1, 2, 3, 2])
    }

    @Test("a throwing value function raises RecordFailure with the record's index and description")
    func throwingValue() {
        var aggregate = KeyedAggregateOperator(
            key: { (reading: Reading) in reading.sensor },
            function: SumAggregate { (reading: Reading) throws -> Int in
                if reading.value < 0 { throw UserError(value: reading.value) }
                return reading.value
            })
        var input = readings([("a", 1), ("a", 2), ("b", -4)])
        var output = Batch<Keyed<String, Int>>()
        let failure = #expect(throws: RecordFailure.self) { try aggregate.process(&input, into: &output) }
        #expect(failure?.stage == 0)
        #expect(failure?.recordIndex == 2)
        #expect(failure?.record == "b=-4")
        #expect(failure?.origin == .function)
        #expect(failure?.underlying as? UserError == UserError(value: -4))
    }

    @Test("a throwing key selector raises RecordFailure with the record's index")
    func throwingKey() {
        var aggregate = KeyedAggregateOperator(
            key: { (value: Int) throws -> Int in
                if value == 0 { throw UserError(value: 0) }
                return value
            }, function: TypedCount<Int>())
        var input = Batch([3, 0])
        var output = Batch<Keyed<Int, Int>>()
        let failure = #expect(throws: RecordFailure.self) { try aggregate.process(&input, into: &output) }
        #expect(failure?.recordIndex == 1)
        #expect(failure?.record == "0")
        #expect(failure?.origin == .keySelector)
    }

    @Test("a key that is not equal to itself (NaN) raises RecordFailure blaming the key, not the function")
    func nanKey() {
        var aggregate = KeyedAggregateOperator(key: { (value: Double) in value }, function: TypedCount<Double>())
        var input = Batch([1.0, .nan, 2.0])
        var output = Batch<Keyed<Double, Int>>()
        let failure = #expect(throws: RecordFailure.self) { try aggregate.process(&input, into: &output) }
        #expect(failure?.recordIndex == 1)
        #expect(failure?.record == "nan")
        #expect(failure?.origin == .key)
        #expect((failure?.underlying as? KeyNotEqualToItself)?.key == "nan")
    }
}
