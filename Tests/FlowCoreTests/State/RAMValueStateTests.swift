import FlowCore
import PropertyBased
import Testing

/// A (key, namespace) pair of the reference model.
private struct Cell: Hashable { var key: Int, namespace: Int }

private typealias State = RAMValueState<Int, Int, Int>

/// One operation of a random sequence, decoded from a number: update (add), modify (set or
/// remove), remove, or look up, over 13 keys and 3 namespaces.
private struct Operation {
    var kind: Int, key: Int, namespace: Int, amount: Int
    init(_ code: Int) {
        kind = code % 4
        key = (code / 4) % 13
        namespace = (code / 52) % 3
        amount = code / 156
    }
}

private let operations = Gen.int(in: 0...999_999).array(of: 0...300)

private func owned(_ maxParallelism: Int, _ parallelism: Int) -> [KeyGroupRange] {
    (0..<parallelism).map { KeyGroupRange(subtask: $0, parallelism: parallelism, maxParallelism: maxParallelism) }
}

/// Applies `operation` to `state` and `reference`; returns whether their answers agree.
private func apply(_ operation: Operation, to state: inout State, _ reference: inout [Cell: Int]) -> Bool {
    let cell = Cell(key: operation.key, namespace: operation.namespace)
    let hash = operation.key.stableHashValue
    switch operation.kind {
    case 0:
        let result = state.update(cell.key, namespace: cell.namespace, hash: hash, default: { 0 }) { value in
            value += operation.amount
            return value
        }
        reference[cell, default: 0] += operation.amount
        return result == reference[cell]
    case 1:
        let remove = operation.amount % 3 == 0
        let before = state.modify(cell.key, namespace: cell.namespace, hash: hash) { value in
            defer { value = remove ? nil : operation.amount }
            return value
        }
        let expected = reference[cell]
        reference[cell] = remove ? nil : operation.amount
        return before == expected
    case 2:
        return state.removeValue(for: cell.key, namespace: cell.namespace, hash: hash) == reference.removeValue(forKey: cell)
    default:
        return state.value(for: cell.key, namespace: cell.namespace, hash: hash) == reference[cell]
    }
}

/// Every entry of `state`, by `forEach`, in its order.
private func contents(_ state: State) -> [(Cell, Int)] {
    var all: [(Cell, Int)] = []
    for group in state.keyGroups.lowerBound..<state.keyGroups.upperBound {
        state.forEach(keyGroup: group) { key, namespace, value in all.append((Cell(key: key, namespace: namespace), value)) }
    }
    return all
}

private func expectContents(_ states: [State], equal reference: [Cell: Int], sourceLocation: SourceLocation = #_sourceLocation) {
    let all = states.flatMap(contents)
    #expect(all.count == reference.count, sourceLocation: sourceLocation)
    #expect(Dictionary(all, uniquingKeysWith: { first, _ in first }) == reference, sourceLocation: sourceLocation)
    #expect(states.reduce(0) { $0 + $1.count } == reference.count, sourceLocation: sourceLocation)
}

@Suite struct RAMValueStateTests {
    @Test("update creates the default once and updates in place; modify and removeValue remove")
    func basics() {
        var state = RAMValueState<String, EmptyNamespace, [Int]>(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: 128), maxParallelism: 128)
        let hash = "a".stableHashValue
        var defaults = 0
        for value in 1...3 {
            state.update(
                "a", namespace: EmptyNamespace(), hash: hash,
                default: {
                    defaults += 1; return []
                }
            ) { $0.append(value) }
        }
        #expect(defaults == 1)
        #expect(state.value(for: "a", namespace: EmptyNamespace(), hash: hash) == [1, 2, 3])
        #expect(state.count == 1)
        state.modify("a", namespace: EmptyNamespace(), hash: hash) { $0 = nil }
        #expect(state.count == 0)
        #expect(state.value(for: "a", namespace: EmptyNamespace(), hash: hash) == nil)
        state.modify("b", namespace: EmptyNamespace(), hash: "b".stableHashValue) { $0 = [7] }
        #expect(state.removeValue(for: "b", namespace: EmptyNamespace(), hash: "b".stableHashValue) == [7])
        #expect(state.count == 0)
    }

    @Test("a copy is independent of the original (copy-on-write)")
    func copyOnWrite() {
        var state = State(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: 128), maxParallelism: 128)
        state.update(1, namespace: 0, hash: 1.stableHashValue, default: { 0 }) { $0 = 5 }
        var copy = state
        copy.update(1, namespace: 0, hash: 1.stableHashValue, default: { 0 }) { $0 = 6 }
        #expect(state.value(for: 1, namespace: 0, hash: 1.stableHashValue) == 5)
        #expect(copy.value(for: 1, namespace: 0, hash: 1.stableHashValue) == 6)
    }

    @Test("10,000 keys grow the tables and stay findable, then all are removed")
    func growth() {
        var state = RAMValueState<Int, EmptyNamespace, Int>(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: 4), maxParallelism: 4)
        for key in 0..<10_000 { state.update(key, namespace: EmptyNamespace(), hash: key.stableHashValue, default: { key }) { $0 += 1 } }
        #expect(state.count == 10_000)
        #expect((0..<10_000).allSatisfy { state.value(for: $0, namespace: EmptyNamespace(), hash: $0.stableHashValue) == $0 + 1 })
        for key in 0..<10_000 { state.removeValue(for: key, namespace: EmptyNamespace(), hash: key.stableHashValue) }
        #expect(state.count == 0)
    }

    @Test("random updates, modifies, removes and lookups agree with a dictionary")
    func agreesWithReference() async {
        await propertyCheck(input: operations) { codes in
            var state = State(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: 8), maxParallelism: 8)
            var reference: [Cell: Int] = [:]
            for code in codes {
                let operation = Operation(code)
                #expect(apply(operation, to: &state, &reference), "operation \(operation)")
            }
            expectContents([state], equal: reference)
        }
    }

    @Test("contents and snapshot order do not depend on the order the entries came in")
    func orderIndependent() async {
        await propertyCheck(input: Gen.int(in: 0...1_000_000).array(of: 1...200), Gen.uint64()) { keys, seed in
            var forward = RAMValueState<Int, EmptyNamespace, Int>(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: 2), maxParallelism: 2)
            var shuffledState = forward
            for key in keys { forward.update(key, namespace: EmptyNamespace(), hash: key.stableHashValue, default: { key }) { _ in } }
            // Insert in another order, with extra keys added and removed again (so a table may be larger).
            var generator = SplitMix64(seed: seed)
            let extra = (0..<keys.count).map { _ in Int.random(in: 2_000_000...3_000_000, using: &generator) }
            for key in (keys + extra).shuffled(using: &generator) {
                shuffledState.update(key, namespace: EmptyNamespace(), hash: key.stableHashValue, default: { key }) { _ in }
            }
            for key in extra { shuffledState.removeValue(for: key, namespace: EmptyNamespace(), hash: key.stableHashValue) }
            var first = KeyedStateSnapshot(operatorID: "op", checkpointID: 1, maxParallelism: 2)
            var second = first
            forward.snapshot(into: &first, name: "s")
            shuffledState.snapshot(into: &second, name: "s")
            for group in [0, 1] {
                let a = try first.entries([KeyedStateEntry<Int, EmptyNamespace, Int>].self, state: "s", keyGroup: group) ?? []
                let b = try second.entries([KeyedStateEntry<Int, EmptyNamespace, Int>].self, state: "s", keyGroup: group) ?? []
                #expect(a == b, "key group \(group)")
                // The order is ascending probe hash, a pure function of the key.
                #expect(a.map(\.key.stableHashValue) == a.map(\.key.stableHashValue).sorted())
            }
        }
    }

    @Test(
        "snapshot then restore at another parallelism gives the reference state",
        arguments: [(1, 3), (3, 1), (2, 5), (4, 4)])
    func restoreAtAnotherParallelism(old: Int, new: Int) async {
        let maxParallelism = 16
        await propertyCheck(input: operations) { codes in
            var states = owned(maxParallelism, old).map { State(keyGroups: $0, maxParallelism: maxParallelism) }
            var reference: [Cell: Int] = [:]
            for code in codes {
                let operation = Operation(code)
                let owner = KeyGroup(of: operation.key, maxParallelism: maxParallelism).owner(parallelism: old, maxParallelism: maxParallelism)
                #expect(apply(operation, to: &states[owner], &reference))
            }
            let parts = states.map { state in
                var snapshot = KeyedStateSnapshot(operatorID: "sum", checkpointID: 7, maxParallelism: maxParallelism)
                state.snapshot(into: &snapshot, name: "sums")
                return snapshot
            }
            let merged = try KeyedStateSnapshot.merging(parts)
            let restored = try owned(maxParallelism, new).map { range in
                var state = State(keyGroups: range, maxParallelism: maxParallelism)
                let mine = merged.restricted(to: range)
                try mine.validate(forOperator: "sum", keyGroups: range, maxParallelism: maxParallelism)
                try state.restore(from: mine, name: "sums")
                return state
            }
            expectContents(restored, equal: reference)
        }
    }

    @Test("restoring entries of key groups the instance does not own is an error naming them")
    func unownedKeyGroups() throws {
        var full = State(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: 8), maxParallelism: 8)
        for key in 0..<50 { full.update(key, namespace: 0, hash: key.stableHashValue, default: { 0 }) { $0 = key } }
        var snapshot = KeyedStateSnapshot(operatorID: "op", checkpointID: 1, maxParallelism: 8)
        full.snapshot(into: &snapshot, name: "s")
        var half = State(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: 4), maxParallelism: 8)
        let error = #expect(throws: FlowError.self) { try half.restore(from: snapshot, name: "s") }
        #expect(error?.code == .stateRestoreFailed)
        #expect(error?.message.contains("[4, 5, 6, 7]") == true, "\(String(describing: error))")
        #expect(error?.message.contains("KeyGroups[0..<4]") == true)
        #expect(half.count == 0)
    }

    @Test("restoring entries of another type is an error naming the state, the key group and both types")
    func typeMismatch() throws {
        var strings = RAMValueState<Int, Int, String>(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: 1), maxParallelism: 1)
        strings.update(1, namespace: 0, hash: 1.stableHashValue, default: { "x" }) { _ in }
        var snapshot = KeyedStateSnapshot(operatorID: "op", checkpointID: 1, maxParallelism: 1)
        strings.snapshot(into: &snapshot, name: "counts")
        var ints = State(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: 1), maxParallelism: 1)
        let error = #expect(throws: FlowError.self) { try ints.restore(from: snapshot, name: "counts") }
        #expect(error?.code == .stateRestoreFailed)
        let message = error?.message ?? ""
        #expect(message.contains("'counts'") && message.contains("key group 0"), "\(message)")
        #expect(message.contains("KeyedStateEntry<Int, Int, String>") && message.contains("KeyedStateEntry<Int, Int, Int>"), "\(message)")
    }

    @Test("restoring state cut with another max parallelism is an error")
    func otherMaxParallelism() {
        var state = State(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: 4), maxParallelism: 4)
        let snapshot = KeyedStateSnapshot(operatorID: "op", checkpointID: 1, maxParallelism: 8)
        let error = #expect(throws: FlowError.self) { try state.restore(from: snapshot, name: "s") }
        #expect(error?.message.contains("8 key groups") == true && error?.message.contains("has 4") == true)
    }

    @Test("rehome moves entries to a narrower range that holds them, and refuses one that does not")
    func rehome() throws {
        var state = State(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: 8), maxParallelism: 8)
        let key = (0..<100).first { KeyGroup(of: $0, maxParallelism: 8).index == 5 }!
        state.update(key, namespace: 1, hash: key.stableHashValue, default: { 3 }) { _ in }
        var moved = state
        try moved.rehome(keyGroups: KeyGroupRange(lowerBound: 4, upperBound: 8), maxParallelism: 8)
        #expect(moved.value(for: key, namespace: 1, hash: key.stableHashValue) == 3)
        #expect(throws: FlowError.self) { try state.rehome(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: 4), maxParallelism: 8) }
    }
}
