import FlowCore
import FlowOperators
import PropertyBased
import Testing

private func context(_ subtask: Int, of parallelism: Int, uid: String = "sum") -> OperatorContext {
    OperatorContext(stageName: "Aggregate", stageID: uid, subtask: subtask, parallelism: parallelism, maxParallelism: 16)
}

private typealias Sum = KeyedAggregateOperator<SumAggregate<Int, Int>, Int>

private func sum() -> Sum { KeyedAggregateOperator(key: { $0 % 23 }, function: SumAggregate { $0 }) }

/// Runs `records` through `parallelism` opened instances (each record to its key's owner); returns them.
private func run(_ records: [Int], parallelism: Int) throws -> [Sum] {
    var instances = try (0..<parallelism).map { subtask in
        var instance = sum()
        try instance.open(context: context(subtask, of: parallelism))
        return instance
    }
    for record in records {
        let owner = KeyGroup(of: record % 23, maxParallelism: 16).owner(parallelism: parallelism, maxParallelism: 16)
        var input = Batch([record])
        var output = Batch<Keyed<Int, Int>>()
        try instances[owner].process(&input, into: &output)
    }
    return instances
}

/// The sums every instance emits for one more record of each key 0..<23 (value 0).
private func probe(_ instances: inout [Sum], parallelism: Int) throws -> [Int: Int] {
    var sums: [Int: Int] = [:]
    for key in 0..<23 {
        let owner = KeyGroup(of: key, maxParallelism: 16).owner(parallelism: parallelism, maxParallelism: 16)
        var input = Batch([key])
        var output = Batch<Keyed<Int, Int>>()
        try instances[owner].process(&input, into: &output)
        sums[key] = output.records.first!.value - key
    }
    return sums
}

@Suite struct KeyedOperatorStateTests {
    @Test(
        "a keyed sum snapshotted at one parallelism and restored at another goes on with the same sums",
        arguments: [(1, 3), (3, 1), (2, 4)])
    func restoreAtAnotherParallelism(old: Int, new: Int) async {
        await propertyCheck(input: Gen.int(in: 0...10_000).array(of: 0...200)) { records in
            var reference: [Int: Int] = [:]
            for record in records { reference[record % 23, default: 0] += record }
            var before = try run(records, parallelism: old)
            let parts = try before.indices.map { index in
                var snapshot = KeyedStateSnapshot(operatorID: "sum", checkpointID: 4, maxParallelism: 16)
                try before[index].snapshotState(checkpoint: 4, into: &snapshot)
                return snapshot
            }
            let merged = try KeyedStateSnapshot.merging(parts)
            var after = try (0..<new).map { subtask in
                var instance = sum()
                try instance.open(context: context(subtask, of: new))
                try instance.restoreState(from: merged.restricted(to: context(subtask, of: new).keyGroupRange))
                return instance
            }
            #expect(after.reduce(0) { $0 + $1.keyCount } == reference.count)
            let sums = try probe(&after, parallelism: new)
            for key in 0..<23 { #expect(sums[key] == (reference[key] ?? 0), "key \(key)") }
        }
    }

    @Test("reduce and co-process state survive snapshot and restore")
    func reduceAndCoProcess() throws {
        var reduce = KeyedReduceOperator<ClosureReduceFunction<Reading>, String>(
            key: { $0.sensor }, combine: { Reading(sensor: $0.sensor, value: $0.value + $1.value) })
        var input = Batch([Reading(sensor: "a", value: 1), Reading(sensor: "b", value: 2), Reading(sensor: "a", value: 3)])
        var output = Batch<Reading>()
        try reduce.process(&input, into: &output)
        var snapshot = KeyedStateSnapshot(operatorID: "r", checkpointID: 1, maxParallelism: 128)
        try reduce.snapshotState(checkpoint: 1, into: &snapshot)
        var restored = KeyedReduceOperator<ClosureReduceFunction<Reading>, String>(
            key: { $0.sensor }, combine: { Reading(sensor: $0.sensor, value: $0.value + $1.value) })
        try restored.restoreState(from: snapshot)
        #expect(restored.keyCount == 2)
        #expect(restored.value(of: "a")?.value == 4)

        var counter = KeyedCoProcessOperator(keyFirst: { $0 }, keySecond: { $0 }, function: CountPerKey())
        var co = coBatch([CoElement<Double, Double>.first(1), .first(2), .first(1)])
        var strings = Batch<String>()
        try counter.process(&co, into: &strings)
        var coSnapshot = KeyedStateSnapshot(operatorID: "c", checkpointID: 1, maxParallelism: 128)
        try counter.snapshotState(checkpoint: 1, into: &coSnapshot)
        var restoredCounter = KeyedCoProcessOperator(keyFirst: { $0 }, keySecond: { $0 }, function: CountPerKey())
        try restoredCounter.restoreState(from: coSnapshot)
        #expect(restoredCounter.state(of: 1) == 2)
        #expect(restoredCounter.state(of: 2) == 1)
    }

    @Test("restoring another operator's state, unowned key groups or another state type is a clear error")
    func badRestores() throws {
        var source = try run(Array(0..<100), parallelism: 1)
        var snapshot = KeyedStateSnapshot(operatorID: "sum", checkpointID: 1, maxParallelism: 16)
        try source[0].snapshotState(checkpoint: 1, into: &snapshot)

        var other = sum()
        try other.open(context: context(0, of: 1, uid: "count"))
        let wrongUID = #expect(throws: FlowError.self) { try other.restoreState(from: snapshot) }
        #expect(wrongUID?.code == .stateRestoreFailed)
        #expect(wrongUID?.message.contains("operator 'sum'") == true && wrongUID?.message.contains("operator 'count'") == true)

        var half = sum()
        try half.open(context: context(0, of: 2))
        let unowned = #expect(throws: FlowError.self) { try half.restoreState(from: snapshot) }
        #expect(unowned?.message.contains("does not own") == true && unowned?.message.contains("KeyGroups[0..<8]") == true)

        var averages = KeyedAggregateOperator(key: { (value: Int) in value % 23 }, function: AverageAggregate { Double($0) })
        try averages.open(context: context(0, of: 1))
        let mismatch = #expect(throws: FlowError.self) { try averages.restoreState(from: snapshot) }
        #expect(mismatch?.message.contains("'aggregate'") == true && mismatch?.message.contains("not the") == true)
    }

    @Test("an operator used before open moves its state to the opened key groups")
    func openAfterUse() throws {
        var aggregate = sum()
        let key = (0..<23).first { KeyGroup(of: $0, maxParallelism: 128).index < 64 }!
        var input = Batch([key])
        var output = Batch<Keyed<Int, Int>>()
        try aggregate.process(&input, into: &output)
        try aggregate.open(context: OperatorContext(stageName: "s", stageID: "sum", subtask: 0, parallelism: 2, maxParallelism: 128))
        #expect(aggregate.keyCount == 1)
    }
}
