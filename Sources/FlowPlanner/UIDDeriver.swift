import FlowCore
import FlowGraph

/// Gives every stage a stable operator id: the user's `uid`, or one derived from the stage's kind
/// and place in the graph (the uids of its inputs, and its rank among the stages of the same kind
/// on the same inputs), never from its display name: renaming a stage keeps its uid, so its state
/// is restored. The same job code yields the same ids on every run and every machine; adding an
/// unrelated branch does not change them. A stage added or removed before a stage changes the
/// stage's derived uid: a stage that keeps state should set its own (see ``Planner``'s warnings).
struct UIDDeriver {
    let graph: LogicalGraph
    let order: [NodeID]

    func derive() -> [String] {
        var uids = [String](repeating: "", count: graph.nodes.count)
        var siblings: [String: Int] = [:]
        for id in order {
            let node = graph[id]
            if let uid = node.attributes.uid {
                uids[id.rawValue] = uid
                continue
            }
            let inputs = graph.inputs(of: id).map { uids[$0.from.rawValue] }.sorted()
            let signature = ([node.attributes.kind] + inputs).joined(separator: "\u{1F}")
            let rank = siblings[signature, default: 0]
            siblings[signature] = rank + 1
            var hasher = StableHasher()
            signature.stableHash(into: &hasher)
            hasher.combine(UInt64(rank))
            let hex = String(hasher.finalize(), radix: 16)
            uids[id.rawValue] = String(repeating: "0", count: 16 - hex.count) + hex
        }
        return uids
    }
}
