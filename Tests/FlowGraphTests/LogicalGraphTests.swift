import FlowCore
import FlowGraph
import Testing

@Suite struct LogicalGraphTests {
    /// source(Int) → map(Int → String) → sink(String)
    private func pipeline(_ name: String = "job") -> (graph: LogicalGraph, source: NodeID, map: NodeID, sink: NodeID) {
        var graph = LogicalGraph(name: name)
        let source = graph.addNode(StageAttributes(kind: "Source", name: "numbers"), body: .source(sourceBody(Int.self)))
        let map = graph.addNode(StageAttributes(kind: "Map"), body: .transform(TransformBody(prototype: Describe())), isFusable: true)
        let sink = graph.addNode(StageAttributes(kind: "Sink"), body: .sink(sinkBody(String.self)))
        graph.connect(source, to: map)
        graph.connect(map, to: sink, partitioning: .rebalance)
        return (graph, source, map, sink)
    }

    @Test("addNode numbers nodes from 0 in insertion order and stores what it was given")
    func addNode() {
        let (graph, source, map, sink) = pipeline()
        #expect([source, map, sink] == [NodeID(0), NodeID(1), NodeID(2)])
        #expect(graph.nodes.map(\.id) == [source, map, sink])
        #expect(graph[map].attributes.kind == "Map")
        #expect(graph[map].isFusable)
        #expect(!graph[map].isKeyed)
        #expect(!graph[source].isFusable)
        #expect(graph[source].attributes.name == "numbers")
    }

    @Test("node bodies report their record types")
    func bodyTypes() {
        let (graph, source, map, sink) = pipeline()
        #expect(graph[source].body.inputType == nil)
        #expect(graph[source].body.outputType == Int.self)
        #expect(graph[map].body.inputType == Int.self)
        #expect(graph[map].body.outputType == String.self)
        #expect(graph[sink].body.inputType == String.self)
        #expect(graph[sink].body.outputType == nil)
    }

    @Test("connect adds edges; inputs and outputs list a node's edges in insertion order")
    func connectInputsOutputs() {
        var (graph, source, map, sink) = pipeline()
        let second = graph.addNode(StageAttributes(kind: "Sink", name: "audit"), body: .sink(sinkBody(Int.self)))
        graph.connect(source, to: second, partitioning: .broadcast)
        #expect(graph.edges.count == 3)
        #expect(graph.outputs(of: source).map(\.to) == [map, second])
        #expect(graph.outputs(of: source).map(\.partitioning.name) == ["forward", "broadcast"])
        #expect(graph.inputs(of: sink).map(\.from) == [map])
        #expect(graph.inputs(of: sink).first?.partitioning.name == "rebalance")
        #expect(graph.inputs(of: source).isEmpty)
        #expect(graph.outputs(of: sink).isEmpty)
        #expect(graph.inputs(of: second).map(\.from) == [source])
    }

    @Test("merge appends the other graph's nodes with ids moved by the offset; edges and segments follow")
    func merge() {
        var (graph, _, _, _) = pipeline("left")
        var other = LogicalGraph(name: "right")
        let a = other.addNode(StageAttributes(kind: "Source", name: "a"), body: .source(sourceBody(Int.self)))
        let b = other.addNode(StageAttributes(kind: "Map", name: "b"), body: .transform(passThroughBody(Int.self)), isFusable: true)
        let c = other.addNode(StageAttributes(kind: "Filter", name: "c"), body: .transform(passThroughBody(Int.self)), isFusable: true, isKeyed: true)
        other.connect(a, to: b)
        other.connect(b, to: c, partitioning: .hash(KeyPartitioner<Int> { $0 }))
        other.addSegment([b, c], body: passThroughBody(Int.self))

        let move = graph.merge(other)

        #expect(move(a) == NodeID(3))
        #expect(move(c) == NodeID(5))
        #expect(graph.name == "left")
        #expect(graph.nodes.count == 6)
        #expect(graph.nodes.map(\.id) == (0..<6).map(NodeID.init))
        #expect(graph[move(b)].attributes.name == "b")
        #expect(graph[move(c)].isKeyed)
        #expect(graph.edges.count == 4)
        #expect(graph.outputs(of: move(a)).map(\.to) == [move(b)])
        #expect(graph.inputs(of: move(c)).first?.partitioning.isHash == true)
        #expect(graph.segments.count == 1)
        #expect(graph.segments[0].nodes == [NodeID(4), NodeID(5)])
        // The original graph's edges are unchanged.
        #expect(graph.outputs(of: NodeID(0)).map(\.to) == [NodeID(1)])
    }

    @Test("merging into an empty graph keeps ids")
    func mergeIntoEmpty() {
        let (other, _, map, _) = pipeline()
        var graph = LogicalGraph(name: "empty")
        let move = graph.merge(other)
        #expect(move(map) == map)
        #expect(graph.nodes.count == 3)
        #expect(graph.edges.count == 2)
    }

    @Test("updateAttributes changes one node's attributes only")
    func updateAttributes() {
        var (graph, source, map, sink) = pipeline()
        graph.updateAttributes(of: map) { attributes in
            attributes.name = "describe"
            attributes.uid = "describe-1"
            attributes.parallelism = 3
            attributes.chainingAllowed = false
        }
        #expect(
            graph[map].attributes
                == StageAttributes(
                    kind: "Map", name: "describe", uid: "describe-1", parallelism: 3,
                    chainingAllowed: false))
        #expect(graph[source].attributes == StageAttributes(kind: "Source", name: "numbers"))
        #expect(graph[sink].attributes == StageAttributes(kind: "Sink"))
    }

    @Test("segments record nodes and their composed body")
    func segments() {
        var (graph, _, map, _) = pipeline()
        graph.addSegment([map], body: TransformBody(prototype: Describe()))
        #expect(graph.segments.count == 1)
        #expect(graph.segments[0].nodes == [map])
        #expect(graph.segments[0].body.stageCount == 1)
    }

    @Test("a node's label shows its name only when it differs from the kind")
    func labels() {
        var graph = LogicalGraph(name: "j")
        let named = graph.addNode(StageAttributes(kind: "Map", name: "parse"), body: .transform(passThroughBody(Int.self)))
        let unnamed = graph.addNode(StageAttributes(kind: "Map"), body: .transform(passThroughBody(Int.self)))
        let sameName = graph.addNode(StageAttributes(kind: "Map", name: "Map"), body: .transform(passThroughBody(Int.self)))
        #expect(graph[named].label == "Map 'parse'")
        #expect(graph[unnamed].label == "Map")
        #expect(graph[sameName].label == "Map")
    }

    @Test("NodeID orders by raw value and describes itself as n<raw>")
    func nodeIDs() {
        #expect(NodeID(1) < NodeID(2))
        #expect(NodeID(5).description == "n5")
    }

    @Test("partitionings name themselves; only hash is hash")
    func partitionings() {
        let hash = Partitioning.hash(KeyPartitioner<String> { $0.count })
        #expect(Partitioning.forward.name == "forward")
        #expect(Partitioning.rebalance.name == "rebalance")
        #expect(Partitioning.broadcast.name == "broadcast")
        #expect(hash.name == "hash(Int)")
        #expect(hash.isHash)
        #expect(!Partitioning.forward.isHash)
        #expect(!Partitioning.broadcast.isHash)
    }
}
