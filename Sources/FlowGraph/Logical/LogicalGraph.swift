public import FlowCore

/// Identifies a node of a ``LogicalGraph``.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The node's index in ``LogicalGraph/nodes``.
    public var rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "n\(rawValue)" }
}

/// How records travel along an edge from the sending instances to the receiving ones.
public enum Partitioning: Sendable {
    /// Instance *i* sends to instance *i* (same parallelism on both sides). The default.
    case forward
    /// Round robin over the receiving instances, one batch at a time.
    case rebalance
    /// Every receiving instance gets every batch.
    case broadcast
    /// Each record goes to the instance owning its key's key group.
    case hash(any PartitionerFactory)
    /// Each record goes to the instance a user function chooses (Flink's `partitionCustom`).
    case custom(any PartitionerFactory)

    /// A short name for `explain()`.
    public var name: String {
        switch self {
        case .forward: "forward"
        case .rebalance: "rebalance"
        case .broadcast: "broadcast"
        case .hash(let partitioner): "hash(\(partitioner.keyTypeName))"
        case .custom(let partitioner): "custom(\(partitioner.keyTypeName))"
        }
    }

    /// Whether this is ``hash(_:)``.
    public var isHash: Bool {
        if case .hash = self { return true }
        return false
    }
}

/// A stage of a job, before planning.
public struct LogicalNode: Sendable {
    /// The node's id.
    public var id: NodeID
    /// Name, uid, parallelism and fusion choice.
    public var attributes: StageAttributes
    /// What the node does.
    public var body: NodeBody
    /// Whether the node is pure (no state, no timers) and may be fused with its upstream.
    public var isFusable: Bool
    /// Whether the node keeps keyed state and so needs key-partitioned input.
    public var isKeyed: Bool
    /// The side outputs the stage emits to: each must be consumed by an edge that carries it.
    public var sideOutputs: [AnySideOutput] = []

    public init(id: NodeID, attributes: StageAttributes, body: NodeBody, isFusable: Bool = false, isKeyed: Bool = false) {
        self.id = id
        self.attributes = attributes
        self.body = body
        self.isFusable = isFusable
        self.isKeyed = isKeyed
    }

    /// "Kind 'name'" or "Kind", for messages.
    public var label: String {
        if let name = attributes.name, name != attributes.kind { return "\(attributes.kind) '\(name)'" }
        return attributes.kind
    }
}

/// A connection between two nodes.
public struct LogicalEdge: Sendable {
    /// The sending node.
    public var from: NodeID
    /// The receiving node.
    public var to: NodeID
    /// How records are spread over the receiving instances.
    public var partitioning: Partitioning
    /// The side output the edge carries, or `nil` for the stage's main output.
    public var sideOutput: AnySideOutput?

    public init(from: NodeID, to: NodeID, partitioning: Partitioning = .forward, sideOutput: AnySideOutput? = nil) {
        self.from = from
        self.to = to
        self.partitioning = partitioning
        self.sideOutput = sideOutput
    }
}

/// A run of fusable nodes that the DSL composed at compile time into one concrete chain.
///
/// The planner uses ``body`` when it fuses exactly these nodes, so the whole run executes as one
/// specialized loop; otherwise it composes the nodes' own bodies batch by batch.
public struct StaticSegment: Sendable {
    /// The nodes, in order along the chain.
    public var nodes: [NodeID]
    /// The composed body.
    public var body: any TransformFactory

    public init(nodes: [NodeID], body: any TransformFactory) {
        self.nodes = nodes
        self.body = body
    }
}

/// A source and the run of fusable nodes after it, composed at compile time into one reader
/// (the source pushes each record through the nodes' stages).
///
/// The planner uses ``body`` as the task's source when the task starts with exactly these nodes.
public struct SourceSegment: Sendable {
    /// The source node, then the fusable nodes, in order.
    public var nodes: [NodeID]
    /// The composed source; its ``SourceFactory/stageCount`` is `nodes.count`.
    public var body: any SourceFactory

    public init(nodes: [NodeID], body: any SourceFactory) {
        self.nodes = nodes
        self.body = body
    }
}

/// A job as written: stages and the edges between them, before fusion and placement.
///
/// A value; the DSL and the fluent API build it, the planner turns it into a ``PhysicalPlan``.
public struct LogicalGraph: Sendable {
    /// The job's name.
    public var name: String
    /// The nodes, indexed by ``NodeID/rawValue``.
    public private(set) var nodes: [LogicalNode] = []
    /// The edges.
    public private(set) var edges: [LogicalEdge] = []
    /// Statically composed chains.
    public private(set) var segments: [StaticSegment] = []
    /// Sources composed with the chains after them.
    public private(set) var sourceSegments: [SourceSegment] = []

    public init(name: String) {
        self.name = name
    }

    /// Adds a node and returns its id.
    @discardableResult
    public mutating func addNode(_ attributes: StageAttributes, body: NodeBody, isFusable: Bool = false, isKeyed: Bool = false) -> NodeID {
        let id = NodeID(nodes.count)
        nodes.append(LogicalNode(id: id, attributes: attributes, body: body, isFusable: isFusable, isKeyed: isKeyed))
        return id
    }

    /// Connects two nodes.
    public mutating func connect(_ from: NodeID, to: NodeID, partitioning: Partitioning = .forward, sideOutput: AnySideOutput? = nil) {
        edges.append(LogicalEdge(from: from, to: to, partitioning: partitioning, sideOutput: sideOutput))
    }

    /// Declares the side outputs stage `id` emits to.
    public mutating func declareSideOutputs(of id: NodeID, _ sideOutputs: [AnySideOutput]) {
        nodes[id.rawValue].sideOutputs = sideOutputs
    }

    /// Records that `nodes` were composed at compile time into `body`.
    public mutating func addSegment(_ nodes: [NodeID], body: any TransformFactory) {
        segments.append(StaticSegment(nodes: nodes, body: body))
    }

    /// Records that source `nodes[0]` and the fusable `nodes` after it were composed at compile
    /// time into `body`.
    public mutating func addSourceSegment(_ nodes: [NodeID], body: any SourceFactory) {
        sourceSegments.append(SourceSegment(nodes: nodes, body: body))
    }

    /// Copies every node, edge and segment of `other` into this graph; returns how its ids moved.
    public mutating func merge(_ other: LogicalGraph) -> (NodeID) -> NodeID {
        let offset = nodes.count
        let move = { (id: NodeID) in NodeID(id.rawValue + offset) }
        for var node in other.nodes {
            node.id = move(node.id)
            nodes.append(node)
        }
        for edge in other.edges {
            edges.append(LogicalEdge(from: move(edge.from), to: move(edge.to), partitioning: edge.partitioning, sideOutput: edge.sideOutput))
        }
        for segment in other.segments {
            segments.append(StaticSegment(nodes: segment.nodes.map(move), body: segment.body))
        }
        for segment in other.sourceSegments {
            sourceSegments.append(SourceSegment(nodes: segment.nodes.map(move), body: segment.body))
        }
        return move
    }

    /// Changes the attributes of node `id` (the fluent API's `.name`, `.uid`, `.parallelism`).
    public mutating func updateAttributes(of id: NodeID, _ change: (inout StageAttributes) -> Void) {
        change(&nodes[id.rawValue].attributes)
    }

    /// The node with `id`.
    public subscript(id: NodeID) -> LogicalNode { nodes[id.rawValue] }

    /// Edges into `id`, in the order they were added.
    public func inputs(of id: NodeID) -> [LogicalEdge] { edges.filter { $0.to == id } }

    /// Edges out of `id`, in the order they were added.
    public func outputs(of id: NodeID) -> [LogicalEdge] { edges.filter { $0.from == id } }
}
