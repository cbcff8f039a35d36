import Flow
import FlowGraph
import FlowPlanner
import Testing

@Suite("Planner: fusion, partitioning, explain")
struct PlannerTests {
    private func pipeline(_ configuration: ExecutionConfiguration = ExecutionConfiguration()) throws -> Job {
        try Job("pipeline", configuration: configuration) {
            Source([1, 2, 3]).name("numbers")
            Map { (x: Int) in x + 1 }.name("inc")
            Filter { (x: Int) in x > 1 }.name("positive")
            KeyBy { (x: Int) in x % 2 }.name("parity")
            Reduce { (a: Int, b: Int) in a + b }.name("sum")
            Map { (x: Int) in "\(x)" }.name("format")
            Sink(.discard).name("out")
        }
    }

    @Test("Pure stages fuse with their source; KeyBy starts a new task with a hash edge")
    func fusion() throws {
        let plan = try pipeline().plan
        #expect(plan.tasks.map { $0.stages.map(\.name) } == [["numbers", "inc", "positive"], ["sum", "format", "out"]])
        #expect(plan.edges.count == 1)
        #expect(plan.edges[0].partitioning.isHash)
        #expect(plan.tasks[0].sourceStageCount == 3 && plan.tasks[0].pieces.isEmpty, "the source pushes its records through inc+positive")
        #expect(plan.tasks[0].loopCount == 1)
        #expect(plan.tasks[1].sourceStageCount == 0)
    }

    @Test("With fusion off every stage is its own task")
    func fusionOff() throws {
        let plan = try pipeline(ExecutionConfiguration(fusionEnabled: false)).plan
        #expect(plan.tasks.count == 6)
        #expect(plan.tasks.allSatisfy { $0.stages.count == 1 })
        #expect(plan.edges.filter { $0.partitioning.isHash }.count == 1)
    }

    @Test("disableChaining splits the chain at that stage, and a static chain falls back to per-stage bodies")
    func disableChaining() throws {
        let job = try Job("split") {
            Source([1])
            Map { (x: Int) in x }.name("a")
            Map { (x: Int) in x }.name("b").disableChaining()
            Map { (x: Int) in x }.name("c")
            Sink(.discard)
        }
        #expect(job.plan.tasks.map { $0.stages.map(\.name) } == [["Source", "a"], ["b", "c", "Discard"]])
        #expect(job.plan.tasks.allSatisfy { $0.pieces.allSatisfy { !$0.isStaticChain } })
    }

    @Test("Different parallelism breaks fusion; the forward edge becomes a rebalance")
    func parallelismChange() throws {
        let job = try Job("rebalance") {
            Source([1, 2, 3])
            Map { (x: Int) in x }.parallelism(2)
            Sink(.discard).parallelism(2)
        }
        #expect(job.plan.tasks.count == 2)
        #expect(job.plan.tasks[1].parallelism == 2)
        #expect(job.plan.edges[0].partitioning.name == "rebalance")
    }

    @Test("explain shows the fused chain as one task in text, DOT and JSON")
    func explain() throws {
        let job = try pipeline()
        let text = job.explain(.text)
        #expect(text.contains("Task 0 [fused, source runs 2 stages]"))
        #expect(text.contains("Task 1 [fused, 2 pieces]"))
        #expect(text.contains("hash(parity: Int)"), "a named KeyBy labels its exchange")
        let dot = job.explain(.dot)
        #expect(dot.hasPrefix("digraph"))
        #expect(dot.contains("Map: inc\\nFilter: positive"))
        #expect(dot.contains("t0 -> t1 [label=\"hash(parity: Int)\"]"))
        let json = job.explain(.json)
        #expect(json.contains("\"fused\" : true"))
        #expect(json.contains("\"name\" : \"numbers → inc → positive\""))
    }
}

@Suite("Planner: invalid graphs fail with the stage named")
struct InvalidGraphTests {
    private func expectInvalid(_ fragment: String, code: FlowError.Code = .invalidGraph, _ build: () throws -> Job) {
        let error = #expect(throws: FlowError.self) { try build() }
        #expect(error?.code == code)
        #expect(error?.description.contains(fragment) == true, "message was: \(error?.description ?? "none")")
    }

    private func source(_ graph: inout LogicalGraph, _ name: String = "src", parallel: Bool = true) -> NodeID {
        let body = SourceBody<Int>(isParallel: parallel) { AnyOperator(reader: CollectionReader([1, 2])) }
        return graph.addNode(StageAttributes(kind: "Source", name: name), body: .source(body))
    }

    private func map(_ graph: inout LogicalGraph, _ name: String) -> NodeID {
        graph.addNode(
            StageAttributes(kind: "Map", name: name),
            body: .transform(TransformBody(prototype: FusedChainOperator(Map { (x: Int) in x }))), isFusable: true)
    }

    private func sink<T: Sendable>(_ graph: inout LogicalGraph, _ name: String, _ type: T.Type = Int.self) -> NodeID {
        graph.addNode(StageAttributes(kind: "Sink", name: name), body: .sink(SinkBody<T> { DiscardSink().makeWriter(for: T.self) }))
    }

    @Test("An empty job")
    func empty() {
        expectInvalid("has no stages") { try Job(graph: LogicalGraph(name: "empty")) }
    }

    @Test("No sink")
    func noSink() {
        var graph = LogicalGraph(name: "nosink")
        let s = source(&graph)
        let m = map(&graph, "lonely")
        graph.connect(s, to: m)
        expectInvalid("Map 'lonely'") { try Job(graph: graph) }
    }

    @Test("A branch that ends without a sink")
    func danglingBranch() {
        var graph = LogicalGraph(name: "dangling")
        let s = source(&graph)
        let m = map(&graph, "dead-end")
        let k = sink(&graph, "out")
        graph.connect(s, to: m)
        graph.connect(s, to: k)
        expectInvalid("Map 'dead-end' (stage #1) produces records that go nowhere") { try Job(graph: graph) }
    }

    @Test("A cycle")
    func cycle() {
        var graph = LogicalGraph(name: "cycle")
        let s = source(&graph)
        let a = map(&graph, "a")
        let b = map(&graph, "b")
        let k = sink(&graph, "out")
        graph.connect(s, to: a)
        graph.connect(a, to: b)
        graph.connect(b, to: a)
        graph.connect(b, to: k)
        expectInvalid("cycle through Map 'a', Map 'b'") { try Job(graph: graph) }
    }

    @Test("Parallelism below 1", arguments: [0, -3])
    func parallelism(_ value: Int) {
        expectInvalid("Map 'bad' (stage #1) has parallelism \(value)") {
            try Job("p") {
                Source([1]); Map { (x: Int) in x }.name("bad").parallelism(value); Sink(.discard)
            }
        }
    }

    @Test("Parallelism above maxParallelism")
    func aboveMax() {
        expectInvalid("above its maxParallelism 4") {
            try Job("p") {
                Source([1]); Map { (x: Int) in x }.parallelism(8).maxParallelism(4); Sink(.discard)
            }
        }
    }

    @Test("A stage's own maxParallelism above 32768 is a graph error naming the stage (the configuration's default is a configuration error)")
    func stageMaxParallelismTooLarge() {
        expectInvalid("Map 'wide' (stage #1) has maxParallelism 40000; it must be in 1...32768") {
            try Job("p") {
                Source([1]); Map { (x: Int) in x }.name("wide").maxParallelism(40000); Sink(.discard)
            }
        }
    }

    @Test("A keyed stage whose input is not partitioned by key")
    func keyedWithoutKeyBy() {
        var graph = LogicalGraph(name: "unkeyed")
        let s = source(&graph)
        let reduce = graph.addNode(
            StageAttributes(kind: "Reduce", name: "sum"),
            body: .transform(
                TransformBody<Int, Int>(stageCount: 1) {
                    AnyOperator(KeyedReduceOperator(key: { (x: Int) in x }, combine: +))
                }), isKeyed: true)
        let k = sink(&graph, "out")
        graph.connect(s, to: reduce)
        graph.connect(reduce, to: k)
        expectInvalid("Reduce 'sum' (stage #1) is keyed but its input from Source 'src' is not partitioned by key") { try Job(graph: graph) }
    }

    @Test("An edge whose types do not match")
    func typeMismatch() {
        var graph = LogicalGraph(name: "types")
        let s = source(&graph)
        let k = sink(&graph, "strings", String.self)
        graph.connect(s, to: k)
        expectInvalid("Sink 'strings' (stage #1) consumes String but its input Source 'src' produces Int") { try Job(graph: graph) }
    }

    @Test("A non-parallel source at parallelism 2")
    func nonParallelSource() {
        let (stream, _) = AsyncStream<Int>.makeStream()
        expectInvalid("cannot run at parallelism 2") {
            try Job("async") {
                Source(stream).name("events").parallelism(2); Sink(.discard)
            }
        }
    }

    @Test("Two stages with the same uid")
    func duplicateUID() {
        expectInvalid("uses uid 'same', already used by Map 'first'") {
            try Job("uids") {
                Source([1])
                Map { (x: Int) in x }.name("first").uid("same")
                Map { (x: Int) in x }.name("second").uid("same")
                Sink(.discard)
            }
        }
    }

    @Test("Batch size 0 is a configuration error")
    func badConfiguration() {
        expectInvalid("batchSize must be in 1...1048576, got 0", code: .invalidConfiguration) {
            try Job("config", configuration: ExecutionConfiguration(batchSize: 0)) {
                Source([1]); Sink(.discard)
            }
        }
    }
}
