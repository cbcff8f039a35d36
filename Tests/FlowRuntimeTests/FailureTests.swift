import Flow
import Testing

struct Boom: Error, CustomStringConvertible {
    var value: Int
    var description: String { "boom at \(value)" }
}

@Suite("Failures name the stage and the record")
struct FailureTests {
    @Test("A throwing Map fails the job with the stage, its uid and the record's position")
    func throwingMap() async throws {
        let job = try Job("fails") {
            Source(Array(0..<5000))
            Map { (x: Int) in x + 1 }.name("inc")
            Map { (x: Int) throws -> Int in
                if x == 3001 { throw Boom(value: x) }; return x
            }.name("picky").uid("picky-1")
            Filter { (x: Int) in x > 0 }
            Sink(.discard)
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .userFunctionFailed)
        #expect(error?.stageName == "picky")
        #expect(error?.stageID == "picky-1")
        #expect(error?.recordPosition == 3000, "record #3000 of the chain's input is the one that became 3001")
        #expect(error?.record == "3001", "the record the failing stage received")
        #expect((error?.underlying as? Boom)?.value == 3001)
        #expect(error?.description.contains("stage 'picky' (uid picky-1)") == true)
        #expect(error?.message == "Map function threw on record #3000 made by the source 'Source' (fused with it)")
        // The whole description, as Docs/Guides/WritingJobs.md ("Errors") shows it for this job.
        #expect(
            error?.description
                == "userFunctionFailed: stage 'picky' (uid picky-1) subtask 0: Map function threw on record #3000 made by the source 'Source' (fused with it) [input record #3000: 3001] — caused by: boom at 3001"
        )
    }

    @Test("A throwing Map in a fused chain that its source does not run counts the record in the chain's input")
    func throwingChainedMap() async throws {
        let job = try Job("fails", configuration: ExecutionConfiguration(batchSize: 64)) {
            Source(Array(0..<500)).parallelism(1)
            Map { (x: Int) in x + 1 }.name("inc").parallelism(2)
            Map { (x: Int) throws -> Int in
                if x == 301 { throw Boom(value: x) }; return x
            }.name("picky").parallelism(2)
            Sink(.discard).parallelism(2)
        }
        #expect(job.plan.tasks.count == 2 && job.plan.tasks[1].stages.count == 3)
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.stageName == "picky")
        #expect(error?.record == "301")
        #expect(error?.message.hasPrefix("Map function threw on record #") == true)
        #expect(error?.message.hasSuffix(" of the input of the fused chain 'inc…'") == true, "\(error?.message ?? "none")")
        #expect(error?.description.ranges(of: "boom at 301").count == 1)
    }

    @Test("The position is the same whatever the batch size", arguments: [1, 7, 1024])
    func positionIndependentOfBatchSize(_ batchSize: Int) async throws {
        let job = try Job("fails", configuration: ExecutionConfiguration(batchSize: batchSize)) {
            Source(Array(0..<100))
            Filter { (x: Int) throws -> Bool in
                if x == 42 { throw Boom(value: x) }; return true
            }.name("guard")
            Sink(.discard)
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.recordPosition == 42)
        #expect(error?.stageName == "guard")
    }

    @Test("A throwing Reduce in a keyed task names the Reduce")
    func throwingReduce() async throws {
        let job = try Job("reduce-fails") {
            Source(Array(0..<50))
            KeyBy { (x: Int) in x % 3 }
            Reduce { (a: Int, b: Int) throws -> Int in
                if b == 40 { throw Boom(value: b) }; return a + b
            }.name("sum")
            Sink(.discard)
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .userFunctionFailed)
        #expect(error?.stageName == "sum")
        #expect(error?.record == "40")
        #expect(error?.recordPosition == 40)
    }

    @Test("A throwing key selector names the keyed stage it feeds")
    func throwingKey() async throws {
        let job = try Job("key-fails") {
            Source(Array(0..<10))
            KeyBy { (x: Int) throws -> Int in
                if x == 7 { throw Boom(value: x) }; return x
            }
            Aggregate(.count).name("counts")
            Sink(.discard)
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .userFunctionFailed)
        #expect(error?.stageName == "KeyBy → counts")
        #expect(error?.record == "7")
        #expect(error?.recordPosition == 7)
        #expect(error?.message == "the KeyBy key selector threw on record #7 of those this instance routed on the edge")
    }

    @Test(
        "A throwing key selector's position counts the records its instance sent on the edge, whatever the batch size",
        arguments: [1, 3, 1024])
    func throwingKeyPosition(_ batchSize: Int) async throws {
        for parallelism in [1, 2] {
            let job = try Job("key-fails", configuration: ExecutionConfiguration(batchSize: batchSize)) {
                Source(Array(0..<40)).parallelism(parallelism)
                KeyBy { (x: Int) throws -> Int in
                    if x == 27 { throw Boom(value: x) }; return x
                }
                Aggregate(.count).name("counts").parallelism(2)
                Sink(.discard).parallelism(2)
            }
            let error = await #expect(throws: FlowError.self) { try await job.run() }
            #expect(error?.record == "27")
            // At parallelism 2 the second instance reads 20..<40, so 27 is its record #7.
            #expect(error?.recordPosition == (parallelism == 1 ? 27 : 7), "batch \(batchSize), parallelism \(parallelism)")
            #expect(error?.subtask == (parallelism == 1 ? 0 : 1))
        }
    }

    struct FailingReader: SourceReader {
        var emitted = 0
        mutating func read(into batch: inout Batch<Int>, maxCount: Int) async throws -> SourceStatus {
            if emitted >= 10 { throw Boom(value: emitted) }
            batch.append(emitted)
            emitted += 1
            return .more
        }
    }

    @Test("A failing source fails the job with code sourceFailed and its cause")
    func failingSource() async throws {
        let out = CollectedRecords<Int>()
        let job = try Job("source-fails") {
            Source(isParallel: false) { FailingReader() }.name("flaky")
            Sink(.collect(into: out))
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .sourceFailed)
        #expect(error?.stageName == "flaky")
        #expect((error?.underlying as? Boom)?.value == 10)
        #expect(error?.message == "the source's reader threw while reading")
        #expect(out.finishedInstances == 0, "a failed job does not finish its sinks")
    }

    struct FailingWriter: SinkWriter {
        var seen = 0
        mutating func write(_ batch: inout Batch<Int>) async throws {
            seen += batch.count
            batch.removeAll()
            if seen > 20 { throw Boom(value: seen) }
        }
    }

    @Test("A failing sink fails the job with code sinkFailed")
    func failingSink() async throws {
        let job = try Job("sink-fails", configuration: ExecutionConfiguration(batchSize: 8)) {
            Source(Array(0..<100))
            Sink(WriterSink(kind: "Picky") { FailingWriter() }).name("picky-sink")
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .sinkFailed)
        #expect(error?.stageName == "picky-sink")
        #expect(error?.message == "the sink's writer threw while writing")
    }

    @Test("A generator with a negative count is a configuration error at open")
    func badGenerator() async throws {
        let job = try Job("bad-gen") {
            Source.generator(count: -5) { (n: Int64) in n }.name("gen")
            Sink(.discard)
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("-5") == true)
    }

    struct Fussy: OneInputOperator {
        mutating func process(_ input: inout Batch<Int>, into output: inout Batch<Int>) throws {
            throw Boom(value: input.count)
        }
    }

    @Test("A custom operator that throws a plain error fails the job naming its stage")
    func customOperator() async throws {
        var graph = LogicalGraph(name: "custom")
        let source = graph.addNode(
            StageAttributes(kind: "Source"),
            body: .source(
                SourceBody<Int>(isParallel: true) {
                    AnyOperator(reader: CollectionReader([1, 2, 3]))
                }))
        let fussy = graph.addNode(
            StageAttributes(kind: "Fussy", name: "fussy"),
            body: .transform(
                TransformBody<Int, Int>(stageCount: 1) {
                    AnyOperator(Fussy())
                }))
        let sink = graph.addNode(StageAttributes(kind: "Discard"), body: .sink(SinkBody<Int> { DiscardSink().makeWriter(for: Int.self) }))
        graph.connect(source, to: fussy)
        graph.connect(fussy, to: sink)
        let error = await #expect(throws: FlowError.self) { try await Job(graph: graph).run() }
        #expect(error?.code == .userFunctionFailed)
        #expect(error?.stageName == "fussy")
        // The task's first read is of one record (its pacer starts there), so Fussy saw one.
        #expect((error?.underlying as? Boom)?.value == 1)
        #expect(error?.message.hasPrefix("Fussy operator threw an error that names no record") == true)
    }

    struct Refusal: Error, CustomStringConvertible {
        var description: String { "refused: not today" }
    }

    struct RefusingReader: SourceReader {
        var failsOpen: Bool
        mutating func open(context: SourceContext) async throws { if failsOpen { throw Refusal() } }
        mutating func read(into batch: inout Batch<String>, maxCount: Int) async throws -> SourceStatus { throw Refusal() }
    }

    struct RefusingWriter: SinkWriter {
        var failsOpen: Bool
        mutating func open(context: OperatorContext) async throws { if failsOpen { throw Refusal() } }
        mutating func write(_ batch: inout Batch<String>) async throws { throw Refusal() }
    }

    @Test("Every failure's description says its cause once, and its record once")
    func causeOnce() async throws {
        let words = ["alpha", "bravo", "charlie-the-record", "delta"]
        let refuse: @Sendable (String) throws -> String = { word in
            if word.hasPrefix("charlie") { throw Refusal() }
            return word
        }
        let jobs: [(String, Job)] = [
            (
                "map",
                try Job("map") {
                    Source(words); Map(refuse); Sink(.discard)
                }
            ),
            (
                "unfused map",
                try Job("unfused", configuration: ExecutionConfiguration(fusionEnabled: false)) {
                    Source(words); Map(refuse); Sink(.discard)
                }
            ),
            (
                "key selector",
                try Job("key") {
                    Source(words); KeyBy { (w: String) throws -> String in try refuse(w) }; Aggregate(.count); Sink(.discard)
                }
            ),
            (
                "reduce",
                try Job("reduce") {
                    Source(words); KeyBy { (_: String) in 0 }; Reduce { (a: String, b: String) throws -> String in try refuse(b) }; Sink(.discard)
                }
            ),
            (
                "custom partitioner",
                try Job.graph("custom") { graph in
                    graph.source(Source(words)).partitionCustom { w, _ in
                        _ = try refuse(w); return 0
                    }.map { $0 }.sink(.discard)
                }
            ),
            (
                "source open",
                try Job("source-open") {
                    Source(isParallel: false) { RefusingReader(failsOpen: true) }; Sink(.discard)
                }
            ),
            (
                "source read",
                try Job("source-read") {
                    Source(isParallel: false) { RefusingReader(failsOpen: false) }; Sink(.discard)
                }
            ),
            (
                "sink open",
                try Job("sink-open") {
                    Source(words); Sink(WriterSink { RefusingWriter(failsOpen: true) })
                }
            ),
            (
                "sink write",
                try Job("sink-write") {
                    Source(words); Sink(WriterSink { RefusingWriter(failsOpen: false) })
                }
            ),
        ]
        for (kind, job) in jobs {
            let error = await #expect(throws: FlowError.self, "\(kind)") { try await job.run() }
            let description = error?.description ?? ""
            #expect(error?.underlying is Refusal, "\(kind): \(description)")
            #expect(description.ranges(of: "refused: not today").count == 1, "\(kind): \(description)")
            if let record = error?.record {
                #expect(record == "\"charlie-the-record\"" || record == "charlie-the-record", "\(kind): \(record)")
                #expect(description.ranges(of: "charlie-the-record").count == 1, "\(kind): \(description)")
            }
        }
    }
}
