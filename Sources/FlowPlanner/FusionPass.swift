import FlowCore
import FlowGraph

/// Groups nodes into tasks (fusion) and builds the physical plan.
struct FusionPass {
    let graph: LogicalGraph
    let order: [NodeID]
    let uids: [String]
    let parallelism: [Int]
    let maxParallelism: [Int]
    let configuration: ExecutionConfiguration

    /// The task each node was placed in.
    private var taskOf: [NodeID: Int] = [:]
    /// Nodes of each task, head to tail.
    private var members: [[NodeID]] = []

    init(graph: LogicalGraph, order: [NodeID], uids: [String], parallelism: [Int], maxParallelism: [Int], configuration: ExecutionConfiguration) {
        self.graph = graph
        self.order = order
        self.uids = uids
        self.parallelism = parallelism
        self.maxParallelism = maxParallelism
        self.configuration = configuration
    }

    mutating func run() -> PhysicalPlan {
        for id in order {
            if let upstream = fusableUpstream(of: id) {
                let task = taskOf[upstream]!
                members[task].append(id)
                taskOf[id] = task
            } else {
                taskOf[id] = members.count
                members.append([id])
            }
        }
        let tasks = members.indices.map(makeTask)
        var edges: [PhysicalEdge] = []
        for edge in graph.edges {
            let from = taskOf[edge.from]!
            let to = taskOf[edge.to]!
            if from == to { continue }
            edges.append(PhysicalEdge(from: from, to: to, partitioning: partitioning(of: edge), sideOutput: edge.sideOutput))
        }
        return PhysicalPlan(jobName: graph.name, tasks: tasks, edges: edges, configuration: configuration)
    }

    /// The node `id` can join the task of, if any.
    private func fusableUpstream(of id: NodeID) -> NodeID? {
        let node = graph[id]
        guard configuration.fusionEnabled, node.attributes.chainingAllowed else { return nil }
        let isSink: Bool
        if case .sink = node.body { isSink = true } else { isSink = false }
        guard node.isFusable || isSink else { return nil }
        let inputs = graph.inputs(of: id)
        guard inputs.count == 1, case .forward = inputs[0].partitioning else { return nil }
        let upstream = inputs[0].from
        guard graph.outputs(of: upstream).count == 1, parallelism[upstream.rawValue] == parallelism[id.rawValue] else { return nil }
        if let hint = node.attributes.backend, let taskHint = backendHint(ofTaskOf: upstream), hint != taskHint { return nil }
        return upstream
    }

    /// The backend a stage of the task holding `id` chose, if any.
    private func backendHint(ofTaskOf id: NodeID) -> BackendKind? {
        guard let task = taskOf[id] else { return graph[id].attributes.backend }
        return members[task].lazy.compactMap { graph[$0].attributes.backend }.first
    }

    /// A forward edge between different parallelisms becomes a rebalance, as in Flink.
    private func partitioning(of edge: LogicalEdge) -> Partitioning {
        if case .forward = edge.partitioning, parallelism[edge.from.rawValue] != parallelism[edge.to.rawValue] {
            return .rebalance
        }
        return edge.partitioning
    }

    private func makeTask(_ index: Int) -> PhysicalTask {
        let nodes = members[index]
        var head = TaskHead.input
        var tail = TaskTail.output
        var transforms: [NodeID] = []
        // A source composed with the stages after it at compile time reads through them.
        let fusedSource = graph.sourceSegments
            .filter { $0.nodes.count > 1 && nodes.starts(with: $0.nodes) }
            .max { $0.nodes.count < $1.nodes.count }
        if let fusedSource { head = .source(fusedSource.body) }
        for id in nodes.dropFirst(fusedSource?.nodes.count ?? 0) {
            switch graph[id].body {
            case .source(let factory): head = .source(factory)
            case .sink(let factory): tail = .sink(factory)
            case .transform: transforms.append(id)
            }
        }
        let stages = nodes.map { id in
            let node = graph[id]
            return PlannedStage(
                node: id, kind: node.attributes.kind, name: node.attributes.displayName,
                uid: uids[id.rawValue], uidIsUserSet: node.attributes.uid != nil)
        }
        let first = nodes[0].rawValue
        let hint = nodes.lazy.compactMap { self.graph[$0].attributes.backend }.first
        return PhysicalTask(
            id: index, stages: stages, head: head, pieces: cover(transforms), tail: tail,
            parallelism: parallelism[first], maxParallelism: maxParallelism[first],
            backend: hint ?? configuration.backend, backendIsUserSet: hint != nil)
    }

    /// Covers a run of transform nodes with the longest statically composed segments available,
    /// falling back to each node's own body.
    private func cover(_ nodes: [NodeID]) -> [BodyPiece] {
        var pieces: [BodyPiece] = []
        var position = 0
        while position < nodes.count {
            let rest = nodes[position...]
            let best = graph.segments
                .filter { $0.nodes.count > 1 && rest.starts(with: $0.nodes) }
                .max { $0.nodes.count < $1.nodes.count }
            if let best {
                pieces.append(BodyPiece(body: best.body, isStaticChain: true))
                position += best.nodes.count
            } else {
                guard case .transform(let body) = graph[nodes[position]].body else {
                    preconditionFailure("FusionPass: node \(nodes[position]) placed as a transform is not one")
                }
                pieces.append(BodyPiece(body: body, isStaticChain: false))
                position += 1
            }
        }
        return pieces
    }
}
