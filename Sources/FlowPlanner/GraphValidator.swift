import FlowCore
import FlowGraph

/// Checks a logical graph before planning; every error names the stage at fault.
struct GraphValidator {
    let graph: LogicalGraph
    let configuration: ExecutionConfiguration

    struct Result {
        /// The nodes in a topological order (sources first, stable: ties by id).
        var order: [NodeID]
    }

    func validate() throws -> Result {
        guard !graph.nodes.isEmpty else {
            throw FlowError(.invalidGraph, "job '\(graph.name)' has no stages: start it with a Source")
        }
        for edge in graph.edges {
            guard (0..<graph.nodes.count).contains(edge.from.rawValue), (0..<graph.nodes.count).contains(edge.to.rawValue) else {
                throw FlowError(.invalidGraph, "an edge \(edge.from) → \(edge.to) names a stage that is not in job '\(graph.name)'")
            }
        }
        var hasSource = false
        var hasSink = false
        for node in graph.nodes {
            let inputs = graph.inputs(of: node.id)
            let outputs = graph.outputs(of: node.id)
            switch node.body {
            case .source(let factory):
                hasSource = true
                if !inputs.isEmpty { throw error(node, "is a source but has an input") }
                if outputs.isEmpty { throw error(node, "produces records that go nowhere: add stages and a Sink after it") }
                let parallelism = node.attributes.parallelism ?? configuration.defaultParallelism
                if !factory.isParallel && parallelism > 1 {
                    throw error(node, "cannot run at parallelism \(parallelism): this source has one reader; set .parallelism(1) on it")
                }
            case .transform:
                if inputs.isEmpty { throw error(node, "has no input: connect it to a Source or an upstream stage") }
                if outputs.isEmpty { throw error(node, "produces records that go nowhere: add a Sink after it (Sink(.discard) to drop them)") }
            case .sink:
                hasSink = true
                if inputs.isEmpty { throw error(node, "has no input: connect it to an upstream stage") }
                if !outputs.isEmpty { throw error(node, "is a sink but has an output") }
            }
            try checkParallelism(node)
            if node.isKeyed {
                for edge in inputs where !edge.partitioning.isHash {
                    throw error(node, "is keyed but its input from \(graph[edge.from].label) is not partitioned by key: put KeyBy before it")
                }
            }
        }
        guard hasSource else { throw FlowError(.invalidGraph, "job '\(graph.name)' has no Source") }
        guard hasSink else {
            throw FlowError(
                .invalidGraph, "job '\(graph.name)' has no Sink: its results would go nowhere; end each branch with a Sink (Sink(.discard) to drop them)")
        }
        try checkTypes()
        try checkSideOutputs()
        try checkUIDs()
        return Result(order: try topologicalOrder())
    }

    private func error(_ node: LogicalNode, _ message: String) -> FlowError {
        FlowError(.invalidGraph, "\(node.label) (stage #\(node.id.rawValue)) \(message)", stageName: node.attributes.displayName, stageID: node.attributes.uid)
    }

    private func checkParallelism(_ node: LogicalNode) throws {
        let maxParallelism = node.attributes.maxParallelism ?? configuration.defaultMaxParallelism
        if let parallelism = node.attributes.parallelism, parallelism < 1 {
            throw error(node, "has parallelism \(parallelism); it must be at least 1")
        }
        let range = ExecutionConfiguration.maxParallelismRange
        if !range.contains(maxParallelism) {
            throw error(node, "has maxParallelism \(maxParallelism); it must be in \(range.lowerBound)...\(range.upperBound)")
        }
        let parallelism = node.attributes.parallelism ?? configuration.defaultParallelism
        if parallelism > maxParallelism {
            throw error(node, "has parallelism \(parallelism) above its maxParallelism \(maxParallelism)")
        }
    }

    private func checkTypes() throws {
        for edge in graph.edges {
            let from = graph[edge.from]
            let to = graph[edge.to]
            guard let consumed = to.body.inputType else { continue }
            if let side = edge.sideOutput {
                if side.elementTypeID != ObjectIdentifier(consumed) {
                    throw error(
                        to, "consumes \(flowTypeName(consumed)) but its input, the side output '\(side.id)' of \(from.label), carries \(side.elementTypeName)")
                }
                continue
            }
            guard let produced = from.body.outputType else { continue }
            if ObjectIdentifier(produced) != ObjectIdentifier(consumed) {
                throw error(to, "consumes \(flowTypeName(consumed)) but its input \(from.label) produces \(flowTypeName(produced))")
            }
            if case .hash(let partitioner) = edge.partitioning, ObjectIdentifier(Self.elementType(of: partitioner)) != ObjectIdentifier(produced) {
                throw error(to, "is keyed by a key of \(flowTypeName(Self.elementType(of: partitioner))) records but receives \(flowTypeName(produced))")
            }
            if case .custom(let partitioner) = edge.partitioning, ObjectIdentifier(Self.elementType(of: partitioner)) != ObjectIdentifier(produced) {
                throw error(
                    to,
                    "is partitioned by a custom partitioner of \(flowTypeName(Self.elementType(of: partitioner))) records but receives \(flowTypeName(produced))"
                )
            }
        }
    }

    private static func elementType<P: PartitionerFactory>(of partitioner: P) -> Any.Type { P.Element.self }

    /// Every side output a stage declares is consumed, and every consumed one is declared by its
    /// stage with the record type its consumer reads: a record emitted to an unrouted tag would be
    /// lost.
    private func checkSideOutputs() throws {
        for node in graph.nodes {
            let sideEdges = graph.outputs(of: node.id).compactMap(\.sideOutput)
            for declared in node.sideOutputs where !sideEdges.contains(where: { $0.id == declared.id }) {
                throw error(
                    node,
                    "emits to the side output '\(declared.id)' (\(declared.elementTypeName)) but no stage consumes it: add stream.sideOutput(tag) and stages after it"
                )
            }
            var seen: Set<String> = []
            for declared in node.sideOutputs where !seen.insert(declared.id).inserted {
                throw error(node, "declares the side output '\(declared.id)' twice")
            }
            for consumed in sideEdges {
                guard let declared = node.sideOutputs.first(where: { $0.id == consumed.id }) else {
                    throw error(node, "has no side output '\(consumed.id)', but a stage consumes it")
                }
                if !declared.matches(consumed) {
                    throw error(
                        node, "emits \(declared.elementTypeName) records to its side output '\(consumed.id)', but it is consumed as \(consumed.elementTypeName)"
                    )
                }
            }
            if !sideEdges.isEmpty && !graph.outputs(of: node.id).contains(where: { $0.sideOutput == nil }) {
                throw error(node, "produces records on its main output that go nowhere (only its side outputs are consumed): add stages and a Sink after it")
            }
        }
    }

    private func checkUIDs() throws {
        var seen: [String: LogicalNode] = [:]
        for node in graph.nodes {
            guard let uid = node.attributes.uid else { continue }
            if uid.isEmpty { throw error(node, "has an empty uid") }
            if let other = seen[uid] {
                throw error(node, "uses uid '\(uid)', already used by \(other.label) (stage #\(other.id.rawValue)); uids must be unique")
            }
            seen[uid] = node
        }
    }

    private func topologicalOrder() throws -> [NodeID] {
        var indegree = [Int](repeating: 0, count: graph.nodes.count)
        for edge in graph.edges { indegree[edge.to.rawValue] += 1 }
        var ready = graph.nodes.map(\.id).filter { indegree[$0.rawValue] == 0 }
        var order: [NodeID] = []
        while !ready.isEmpty {
            ready.sort()
            let next = ready.removeFirst()
            order.append(next)
            for edge in graph.outputs(of: next) {
                indegree[edge.to.rawValue] -= 1
                if indegree[edge.to.rawValue] == 0 { ready.append(edge.to) }
            }
        }
        if order.count < graph.nodes.count {
            let stuck = graph.nodes.filter { indegree[$0.id.rawValue] > 0 }.map(\.label)
            throw FlowError(.invalidGraph, "job '\(graph.name)' has a cycle through \(stuck.joined(separator: ", ")): a stream job must be acyclic")
        }
        return order
    }
}
