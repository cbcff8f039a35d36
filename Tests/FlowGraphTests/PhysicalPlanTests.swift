import FlowCore
import FlowGraph
import Foundation
import Testing

/// A hand-built plan:
///   Task 0 [Source 'numbers' → Map 'double'] p=2 ──hash(Int)──► Task 1 [Reduce 'sum' → Sink 'print'] p=4
///                                              ──rebalance──► Task 2 [Sink 'audit'] p=1
func samplePlan(jobName: String = "sample job") -> PhysicalPlan {
    let source = PlannedStage(node: NodeID(0), kind: "Source", name: "numbers", uid: "src-1", uidIsUserSet: true)
    let map = PlannedStage(node: NodeID(1), kind: "Map", name: "double", uid: "derived-map", uidIsUserSet: false)
    let reduce = PlannedStage(node: NodeID(2), kind: "Reduce", name: "sum", uid: "sum-1", uidIsUserSet: true)
    let print = PlannedStage(node: NodeID(3), kind: "Sink", name: "print", uid: "derived-print", uidIsUserSet: false)
    let audit = PlannedStage(node: NodeID(4), kind: "Sink", name: "audit", uid: "derived-audit", uidIsUserSet: false)
    let tasks = [
        PhysicalTask(
            id: 0, stages: [source, map], head: .source(sourceBody(Int.self)),
            pieces: [BodyPiece(body: passThroughBody(Int.self), isStaticChain: true)], tail: .output,
            parallelism: 2, maxParallelism: 128, backend: .sync),
        PhysicalTask(
            id: 1, stages: [reduce, print], head: .input,
            pieces: [BodyPiece(body: passThroughBody(Int.self), isStaticChain: false)], tail: .sink(sinkBody(Int.self)),
            parallelism: 4, maxParallelism: 128, backend: .sync),
        PhysicalTask(
            id: 2, stages: [audit], head: .input, pieces: [], tail: .sink(sinkBody(Int.self)),
            parallelism: 1, maxParallelism: 64, backend: BackendKind(name: "threads")),
    ]
    let edges = [
        PhysicalEdge(from: 0, to: 1, partitioning: .hash(KeyPartitioner<Int> { $0 })),
        PhysicalEdge(from: 0, to: 2, partitioning: .rebalance),
    ]
    return PhysicalPlan(
        jobName: jobName, tasks: tasks, edges: edges,
        configuration: ExecutionConfiguration(batchSize: 256, channelCredits: 3))
}

@Suite struct PhysicalPlanTests {
    @Test("inputs and outputs list a task's edges")
    func inputsOutputs() {
        let plan = samplePlan()
        #expect(plan.outputs(of: 0).map(\.to) == [1, 2])
        #expect(plan.inputs(of: 0).isEmpty)
        #expect(plan.inputs(of: 2).map(\.from) == [0])
        #expect(plan.outputs(of: 2).isEmpty)
    }

    @Test("a task's name joins its stage names with arrows; it is fused when it has more than one stage")
    func taskNames() {
        let plan = samplePlan()
        #expect(plan.tasks[0].name == "numbers → double")
        #expect(plan.tasks[0].isFused)
        #expect(plan.tasks[2].name == "audit")
        #expect(!plan.tasks[2].isFused)
    }

    @Test("configuration defaults")
    func configurationDefaults() {
        let configuration = ExecutionConfiguration()
        #expect(configuration.batchSize == 1024)
        #expect(configuration.channelCredits == 4)
        #expect(configuration.defaultParallelism == 1)
        #expect(configuration.defaultMaxParallelism == 128)
        #expect(configuration.fusionEnabled)
        #expect(BackendKind.sync.description == "sync")
    }
}

@Suite struct PhysicalPlanExplainTests {
    /// The lines of `text` from the one starting with `Task id ` up to the next task header.
    private func block(ofTask id: Int, in text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("Task \(id) ") }) else { return [] }
        let end = lines[(start + 1)...].firstIndex(where: { $0.hasPrefix("Task ") }) ?? lines.endIndex
        return Array(lines[start..<end])
    }

    @Test("text names the job, its settings, every task and stage, and each task's outgoing edges with their partitioning")
    func text() {
        let text = samplePlan().explain(.text)
        #expect(text == samplePlan().explain())
        let header = text.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.contains("sample job"))
        #expect(header.contains("3 tasks"))
        #expect(header.contains("256"))
        #expect(header.contains("3 credits"))

        let task0 = block(ofTask: 0, in: text)
        #expect(task0.first?.contains("parallelism 2") == true)
        #expect(task0.first?.contains("fused") == true)
        #expect(task0.contains { $0.contains("Source 'numbers'") && $0.contains("uid=src-1") && !$0.contains("(derived)") })
        #expect(task0.contains { $0.contains("Map 'double'") && $0.contains("uid=derived-map") && $0.contains("(derived)") })
        #expect(task0.contains { $0.contains("hash(Int)") && $0.hasSuffix("Task 1") })
        #expect(task0.contains { $0.contains("rebalance") && $0.hasSuffix("Task 2") })

        let task1 = block(ofTask: 1, in: text)
        #expect(task1.first?.contains("parallelism 4") == true)
        #expect(task1.contains { $0.contains("Reduce 'sum'") })
        #expect(task1.contains { $0.contains("Sink 'print'") })
        #expect(!task1.contains { $0.contains("──") })

        let task2 = block(ofTask: 2, in: text)
        #expect(task2.first?.contains("single") == true)
        #expect(task2.first?.contains("max 64") == true)
        #expect(task2.first?.contains("threads") == true)
        #expect(task2.contains { $0.contains("Sink 'audit'") })
    }

    @Test("DOT is a digraph with one node per task and one edge per PhysicalEdge")
    func dot() {
        let plan = samplePlan()
        let dot = plan.explain(.dot)
        let lines = dot.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first?.hasPrefix("digraph ") == true)
        #expect(lines.first?.hasSuffix("{") == true)
        #expect(lines.last == "}")
        let nodeLines = lines.filter { $0.hasPrefix("t") && !$0.contains("->") && $0.contains("[label=") }
        let edgeLines = lines.filter { $0.contains("->") }
        #expect(nodeLines.count == plan.tasks.count)
        #expect(edgeLines.count == plan.edges.count)
        for task in plan.tasks {
            let line = nodeLines.first { $0.hasPrefix("t\(task.id) ") }
            #expect(line != nil, "no node for task \(task.id)")
            for stage in task.stages {
                #expect(line?.contains(stage.name) == true, "task \(task.id) misses \(stage.name)")
            }
        }
        #expect(edgeLines.contains { $0.hasPrefix("t0 -> t1 ") && $0.contains("hash(Int)") })
        #expect(edgeLines.contains { $0.hasPrefix("t0 -> t2 ") && $0.contains("rebalance") })
    }

    @Test("DOT escapes quotes in the job name")
    func dotEscapesQuotes() {
        let dot = samplePlan(jobName: #"my "job""#).explain(.dot)
        #expect(dot.hasPrefix(#"digraph "my \"job\"" {"#))
    }

    @Test("JSON parses, has the task, stage and edge counts, and the plan's values")
    func json() throws {
        let plan = samplePlan()
        let text = plan.explain(.json)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let root = try #require(object as? [String: Any])
        #expect(Set(root.keys) == ["job", "batchSize", "flushTimeoutMicroseconds", "channelCredits", "tasks", "edges", "warnings"])
        #expect(root["job"] as? String == "sample job")
        #expect(root["batchSize"] as? Int == 256)
        #expect(root["channelCredits"] as? Int == 3)

        let tasks = try #require(root["tasks"] as? [[String: Any]])
        #expect(tasks.count == 3)
        #expect(tasks.map { $0["id"] as? Int } == [0, 1, 2])
        #expect(tasks.map { $0["parallelism"] as? Int } == [2, 4, 1])
        #expect(tasks.map { $0["fused"] as? Bool } == [true, true, false])
        #expect(tasks.map { $0["backend"] as? String } == ["sync", "sync", "threads"])
        let stages = tasks.flatMap { ($0["stages"] as? [[String: Any]]) ?? [] }
        #expect(stages.count == 5)
        #expect(stages.map { $0["name"] as? String } == ["numbers", "double", "sum", "print", "audit"])
        #expect(stages.map { $0["uidIsUserSet"] as? Bool } == [true, false, true, false, false])

        let edges = try #require(root["edges"] as? [[String: Any]])
        #expect(edges.count == 2)
        #expect(edges.map { $0["from"] as? Int } == [0, 0])
        #expect(edges.map { $0["to"] as? Int } == [1, 2])
        #expect(edges.map { $0["partitioning"] as? String } == ["hash(Int)", "rebalance"])
    }

    @Test("JSON keys are sorted in every object, and the output is the same on every call")
    func jsonKeysSorted() {
        let text = samplePlan().explain(.json)
        #expect(text == samplePlan().explain(.json))
        // Walk the pretty-printed lines: keys at one indentation, within one object, must ascend.
        var lastKey: [Int: String] = [:]
        var keysSeen = 0
        for line in text.split(separator: "\n") {
            let indent = line.prefix { $0 == " " }.count
            lastKey = lastKey.filter { $0.key <= indent }
            let body = line.dropFirst(indent)
            guard body.hasPrefix("\""), let close = body.dropFirst().firstIndex(of: "\"") else { continue }
            let afterKey = body[body.index(after: close)...].drop { $0 == " " }
            guard afterKey.hasPrefix(":") else { continue }
            let key = String(body[body.index(after: body.startIndex)..<close])
            if let previous = lastKey[indent] {
                #expect(previous < key, "'\(previous)' before '\(key)'")
            }
            lastKey[indent] = key
            keysSeen += 1
        }
        // 7 top-level keys (the plan has no warnings), 10 per task, 4 per stage, 3 per edge.
        #expect(keysSeen == 7 + 3 * 10 + 5 * 4 + 2 * 3)
    }

    @Test("every format is produced for an empty plan")
    func emptyPlan() throws {
        let plan = PhysicalPlan(jobName: "empty", tasks: [], edges: [], configuration: ExecutionConfiguration())
        #expect(plan.explain(.text).contains("0 tasks"))
        #expect(plan.explain(.dot).hasPrefix("digraph"))
        let root = try JSONSerialization.jsonObject(with: Data(plan.explain(.json).utf8)) as? [String: Any]
        #expect((root?["tasks"] as? [Any])?.isEmpty == true)
        #expect(ExplainFormat.allCases == [.text, .dot, .json])
    }
}
