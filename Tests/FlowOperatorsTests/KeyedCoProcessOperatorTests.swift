import FlowCore
import FlowOperators
import Testing

/// A blocklist rule for one sensor: `blocked` true blocks its readings, false allows them.
struct SensorRule: Sendable, Equatable, CustomStringConvertible {
    var sensor: String
    var blocked: Bool
    var description: String { "\(sensor):\(blocked ? "block" : "allow")" }
}

/// Per sensor: readings wait until the sensor's rule arrives, then pass unless it blocks them.
/// A rule with an empty sensor name is rejected.
struct SensorGate: KeyedCoProcessFunction {
    typealias Output = Reading
    struct Gate: Sendable {
        var blocked: Bool?
        var waiting: [Reading] = []
    }

    func processFirst(
        _ reading: Reading, at timestamp: EventTime, key: String, state: inout Gate?,
        into output: inout some RecordCollector<Reading>
    ) throws {
        var gate = state ?? Gate()
        switch gate.blocked {
        case nil: gate.waiting.append(reading)
        case false?: try output.collect(reading, at: timestamp)
        case true?: break
        }
        state = gate
    }

    func processSecond(
        _ rule: SensorRule, at timestamp: EventTime, key: String, state: inout Gate?,
        into output: inout some RecordCollector<Reading>
    ) throws {
        if rule.sensor.isEmpty { throw UserError(value: 0) }
        var gate = state ?? Gate()
        gate.blocked = rule.blocked
        if !rule.blocked {
            for reading in gate.waiting { try output.collect(reading, at: timestamp) }
        }
        gate.waiting = []
        // A blocked sensor keeps only its flag.
        state = gate
    }
}

/// Counts records per key of `Double` keys; a negative second-input record clears the key's state.
struct CountPerKey: KeyedCoProcessFunction {
    typealias Output = String
    func processFirst(
        _ value: Double, at timestamp: EventTime, key: Double, state: inout Int?,
        into output: inout some RecordCollector<String>
    ) throws {
        state = (state ?? 0) + 1
        try output.collect("\(key)=\(state!)", at: timestamp)
    }

    func processSecond(
        _ value: Double, at timestamp: EventTime, key: Double, state: inout Int?,
        into output: inout some RecordCollector<String>
    ) throws {
        state = nil
    }
}

@Suite struct KeyedCoProcessOperatorTests {
    private func sensorGate() -> KeyedCoProcessOperator<SensorGate> {
        KeyedCoProcessOperator(keyFirst: { $0.sensor }, keySecond: { $0.sensor }, function: SensorGate())
    }

    @Test("each key has its own state, built from both inputs")
    func perKeyState() throws {
        var gate = sensorGate()
        var output = Batch<Reading>()
        var input = coBatch([
            CoElement<Reading, SensorRule>.first(Reading(sensor: "a", value: 1)),
            .first(Reading(sensor: "b", value: 2)),
            .second(SensorRule(sensor: "b", blocked: false)),
            .first(Reading(sensor: "a", value: 3)),
            .second(SensorRule(sensor: "a", blocked: true)),
            .first(Reading(sensor: "b", value: 4)),
            .first(Reading(sensor: "a", value: 5)),
        ])
        try gate.process(&input, into: &output)
        #expect(input.isEmpty, "the operator must empty its input")
        #expect(output.records.map(\.description) == ["b=2", "b=4"])
        #expect(output.timestamps.map(\.milliseconds) == [20, 50], "a released reading gets the rule's timestamp")
        #expect(gate.keyCount == 2)
        #expect(gate.state(of: "a")?.blocked == true)
        #expect(gate.state(of: "a")?.waiting.isEmpty == true)
        #expect(gate.state(of: "c") == nil)
    }

    @Test("state persists across batches; setting it to nil removes the key")
    func stateAcrossBatchesAndRemoval() throws {
        var counter = KeyedCoProcessOperator(keyFirst: { $0 }, keySecond: { $0 }, function: CountPerKey())
        var output = Batch<String>()
        var first = coBatch([CoElement<Double, Double>.first(1), .first(2), .first(1)])
        try counter.process(&first, into: &output)
        #expect(counter.keyCount == 2)
        var second = coBatch([CoElement<Double, Double>.second(1), .first(2), .first(1)])
        try counter.process(&second, into: &output)
        #expect(Array(output.records) == ["1.0=1", "2.0=1", "1.0=2", "2.0=2", "1.0=1"])
        #expect(counter.state(of: 1) == 1)
        #expect(counter.state(of: 2) == 2)
    }

    @Test("a throwing function raises RecordFailure naming the tagged record and its index")
    func throwingFunction() {
        var gate = sensorGate()
        var input = coBatch([CoElement<Reading, SensorRule>.first(Reading(sensor: "a", value: 1)), .second(SensorRule(sensor: "", blocked: true))])
        var output = Batch<Reading>()
        let failure = #expect(throws: RecordFailure.self) { try gate.process(&input, into: &output) }
        #expect(failure?.stage == 0)
        #expect(failure?.recordIndex == 1)
        #expect(failure?.record == "second(:block)")
        #expect(failure?.origin == .function)
        #expect(failure?.underlying as? UserError == UserError(value: 0))
    }

    @Test("a throwing key selector of either input raises RecordFailure with the record's index")
    func throwingKey() {
        var counter = KeyedCoProcessOperator(
            keyFirst: { (value: Double) in value },
            keySecond: { (value: Double) throws -> Double in throw UserError(value: Int(value)) },
            function: CountPerKey())
        var input = coBatch([CoElement<Double, Double>.first(1), .second(8)])
        var output = Batch<String>()
        let failure = #expect(throws: RecordFailure.self) { try counter.process(&input, into: &output) }
        #expect(failure?.recordIndex == 1)
        #expect(failure?.record == "second(8.0)")
        #expect(failure?.origin == .keySelector)
        #expect(failure?.underlying as? UserError == UserError(value: 8))
    }

    @Test("a key that is not equal to itself (NaN) is rejected instead of growing state")
    func nanKey() {
        var counter = KeyedCoProcessOperator(keyFirst: { $0 }, keySecond: { $0 }, function: CountPerKey())
        var input = coBatch([CoElement<Double, Double>.first(1), .first(.nan)])
        var output = Batch<String>()
        let failure = #expect(throws: RecordFailure.self) { try counter.process(&input, into: &output) }
        #expect(failure?.recordIndex == 1)
        #expect(failure?.origin == .key, "the key is at fault, not the function")
        #expect(failure?.underlying is KeyNotEqualToItself)
        #expect(counter.keyCount == 1)
    }
}
