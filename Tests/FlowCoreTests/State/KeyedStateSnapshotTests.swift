import FlowCore
import Testing

@Suite struct KeyedStateSnapshotTests {
    private func snapshot(_ groups: [Int], operatorID: String = "op", checkpoint: Int64 = 3, maxParallelism: Int = 8) -> KeyedStateSnapshot {
        var snapshot = KeyedStateSnapshot(operatorID: operatorID, checkpointID: checkpoint, maxParallelism: maxParallelism)
        for group in groups { snapshot.set([group * 10], state: "s", keyGroup: group) }
        return snapshot
    }

    @Test("set and entries round-trip per key group and state; keyGroups is sorted")
    func roundTrip() throws {
        var snapshot = snapshot([5, 1, 3])
        snapshot.set(["x"], state: "names", keyGroup: 3)
        #expect(snapshot.keyGroups == [1, 3, 5])
        #expect(snapshot.stateNames(keyGroup: 3) == ["names", "s"])
        #expect(try snapshot.entries([Int].self, state: "s", keyGroup: 5) == [50])
        #expect(try snapshot.entries([String].self, state: "names", keyGroup: 3) == ["x"])
        #expect(try snapshot.entries([Int].self, state: "s", keyGroup: 2) == nil)
    }

    @Test("reading entries with another type names the state, the key group and both types")
    func typeMismatch() {
        let error = #expect(throws: FlowError.self) { try snapshot([2]).entries([String].self, state: "s", keyGroup: 2) }
        #expect(error?.code == .stateRestoreFailed)
        let message = error?.message ?? ""
        #expect(message.contains("state 's'") && message.contains("key group 2"), "\(message)")
        #expect(message.contains("Array<Int>") && message.contains("Array<String>"), "\(message)")
    }

    @Test("restricted keeps the key groups of the range; merging joins distinct parts")
    func restrictAndMerge() throws {
        let all = snapshot([0, 1, 2, 3, 4, 5, 6, 7])
        let low = all.restricted(to: KeyGroupRange(lowerBound: 0, upperBound: 3))
        let high = all.restricted(to: KeyGroupRange(lowerBound: 3, upperBound: 8))
        #expect(low.keyGroups == [0, 1, 2])
        #expect(high.keyGroups == [3, 4, 5, 6, 7])
        let merged = try KeyedStateSnapshot.merging([high, low])
        #expect(merged.keyGroups == all.keyGroups)
        #expect(try merged.entries([Int].self, state: "s", keyGroup: 6) == [60])
    }

    @Test("merging overlapping parts, or parts of other uids, max parallelisms or checkpoints, is an error")
    func badMerges() {
        func message(_ parts: [KeyedStateSnapshot]) -> String {
            let error = #expect(throws: FlowError.self) { try KeyedStateSnapshot.merging(parts) }
            #expect(error?.code == .stateRestoreFailed)
            return error?.message ?? ""
        }
        #expect(message([snapshot([1, 2]), snapshot([2, 3])]).contains("key group 2 is in two parts"))
        #expect(message([snapshot([1]), snapshot([2], operatorID: "other")]).contains("'other'"))
        #expect(message([snapshot([1]), snapshot([2], maxParallelism: 16)]).contains("16 key groups"))
        #expect(message([snapshot([1]), snapshot([2], checkpoint: 4)]).contains("checkpoint 4"))
        #expect(message([]).contains("no snapshots"))
    }

    @Test("validate refuses another uid, another max parallelism and unowned key groups, naming each")
    func validate() throws {
        let range = KeyGroupRange(lowerBound: 0, upperBound: 4)
        try snapshot([0, 3]).validate(forOperator: "op", keyGroups: range, maxParallelism: 8)
        let otherUID = #expect(throws: FlowError.self) { try snapshot([0]).validate(forOperator: "sum", keyGroups: range, maxParallelism: 8) }
        #expect(otherUID?.code == .stateRestoreFailed)
        #expect(otherUID?.message.contains("operator 'op'") == true && otherUID?.message.contains("operator 'sum'") == true)
        let otherMax = #expect(throws: FlowError.self) { try snapshot([0]).validate(forOperator: "op", keyGroups: range, maxParallelism: 16) }
        #expect(otherMax?.message.contains("8 key groups") == true && otherMax?.message.contains("max parallelism 16") == true)
        let unowned = #expect(throws: FlowError.self) { try snapshot([2, 5, 6]).validate(forOperator: "op", keyGroups: range, maxParallelism: 8) }
        #expect(unowned?.message.contains("[5, 6]") == true && unowned?.message.contains("KeyGroups[0..<4]") == true)
    }
}
