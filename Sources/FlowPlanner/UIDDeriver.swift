import FlowCore
import FlowGraph

/// Gives every stage a stable operator id: the user's `uid`, or one derived from the stage's
/// kind, name and place in the graph (the uids of its inputs, and its rank among siblings of the
/// same kind and name). The same job code yields the same ids on every run and every machine;
/// adding an unrelated branch does not change them.
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
            let signature = ([node.attributes.kind, node.attributes.displayName] + inputs).joined(separator: "\u{1F}")
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
