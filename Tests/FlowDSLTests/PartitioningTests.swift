import Flow
import FlowTesting
import Testing

@Suite("Partitioners: forward, rebalance, broadcast, hash, custom; parallelism per stage")
struct PartitioningTests {
    static let input = Array(0..<600)

    /// Source (parallelism 1) → exchange → Map (parallelism 3) → Sink (3).
    static func job(
        _ configuration: ExecutionConfiguration, into out: CollectedRecords<Int>,
        exchange: (DataStream<Int>) -> DataStream<Int>
    ) throws -> Job {
        try Job.graph("exchange", configuration: configuration) { graph in
            exchange(graph.source(Source(input)).name("numbers"))
                .map { $0 }.name("spread").setParallelism(3)
                .sink(.collect(into: out)).setParallelism(3)
        }
    }

    @Test("rebalance spreads batches round robin: every record once, every instance a share")
    func rebalance() async throws {
        let out = CollectedRecords<Int>()
        let job = try Self.job(ExecutionConfiguration(batchSize: 10), into: out) { $0.rebalance() }
        #expect(job.explain().contains("──rebalance──► Task 1"))
        try await job.run(on: .dispatch)
        #expect(out.records.sorted() == Self.input)
        let shares = (0..<3).map { out.records(ofSubtask: $0).count }
        // 60 batches of 10, dealt in turn: 20 each.
        #expect(shares == [200, 200, 200])
    }

    @Test("broadcast gives every instance every record, in order", arguments: [BackendKind.sync, .dispatch, .actor])
    func broadcast(_ backend: BackendKind) async throws {
        let out = CollectedRecords<Int>()
        let job = try Self.job(ExecutionConfiguration(batchSize: 16), into: out) { $0.broadcast() }
        #expect(job.explain().contains("──broadcast──► Task 1"))
        try await job.run(on: backend.defaultBackend)
        for subtask in 0..<3 { #expect(out.records(ofSubtask: subtask) == Self.input) }
    }

    @Test("partitionCustom sends each record to the instance its function picks, under every variant")
    func custom() async throws {
        let out = CollectedRecords<Int>()
        let results = try await ExecutionVariants.run(
            makeJob: { configuration in
                out.removeAll()
                return try Self.job(configuration, into: out) { $0.partitionCustom("by tens") { value, count in (value / 10) % count } }
            },
            collect: { (0..<3).map { out.records(ofSubtask: $0) } })
        for (variant, perSubtask) in results {
            for subtask in 0..<3 {
                // One sending instance: the order into each receiver is the send order.
                #expect(perSubtask[subtask] == Self.input.filter { ($0 / 10) % 3 == subtask }, "\(variant)")
            }
        }
        let job = try Self.job(ExecutionConfiguration(), into: out) { $0.partitionCustom("by tens") { value, count in (value / 10) % count } }
        #expect(job.explain().contains("──custom(by tens)──► Task 1"))
    }

    @Test("A custom partitioner that picks no instance fails the job naming the record and the range")
    func customOutOfRange() async throws {
        let out = CollectedRecords<Int>()
        let job = try Self.job(ExecutionConfiguration(), into: out) { $0.partitionCustom { value, count in value == 42 ? count : 0 } }
        let error = await #expect(throws: FlowError.self) { try await job.run(on: .dispatch) }
        #expect(error?.code == .userFunctionFailed)
        #expect(error?.record == "42")
        #expect(error?.recordPosition == 42, "record #42 of those the source's instance sent on the edge")
        #expect(error?.message.contains("chose no receiving instance for record #42") == true)
        #expect(error?.description.ranges(of: "outside 0..<3").count == 1, "the cause, once")
        #expect(error?.stageName == "partitionCustom → spread")
        #expect(error?.underlying as? PartitionOutOfRange == PartitionOutOfRange(partition: 3, channelCount: 3))
    }

    @Test(
        "A throwing custom partitioner fails the job with the record's position on the edge, whatever the batch size",
        arguments: [1, 7, 1024])
    func customThrows(_ batchSize: Int) async throws {
        let out = CollectedRecords<Int>()
        let job = try Self.job(ExecutionConfiguration(batchSize: batchSize), into: out) {
            $0.partitionCustom { value, count in
                if value == 250 { throw TestFailure(reason: "no home for 250") }
                return value % count
            }
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .userFunctionFailed)
        #expect(error?.stageName == "partitionCustom → spread")
        #expect(error?.recordPosition == 250)
        #expect(error?.record == "250")
        #expect(error?.underlying as? TestFailure == TestFailure(reason: "no home for 250"))
        #expect(error?.message == "the custom partitioner threw on record #250 of those this instance routed on the edge")
        #expect(error?.description.ranges(of: "no home for 250").count == 1)
    }

    @Test("A stream sent to a custom partitioner of another record type is rejected at plan time")
    func customTypeMismatch() throws {
        var graph = LogicalGraph(name: "mismatch")
        let source = graph.addNode(
            StageAttributes(kind: "Source"), body: .source(SourceBody<Int>(isParallel: false) { AnyOperator(reader: CollectionReader([1, 2, 3])) }))
        let sink = graph.addNode(StageAttributes(kind: "Sink"), body: .sink(SinkBody<Int> { AnyOperator(writer: DiscardWriter()) }))
        graph.connect(source, to: sink, partitioning: .custom(CustomPartitioner<String>(name: "strings") { _, _ in 0 }))
        let error = #expect(throws: FlowError.self) { try Job(graph: graph) }
        #expect(error?.code == .invalidGraph)
        #expect(error?.message.contains("custom partitioner of String records") == true)
    }

    @Test("setParallelism and setMaxParallelism set a stage's instances and key groups, in the DSL and fluently")
    func parallelismSetters() throws {
        let dsl = try Job("dsl") {
            Source(Self.input).setParallelism(2)
            KeyBy { (x: Int) in x % 5 }
            Reduce { (a: Int, b: Int) in a + b }.setParallelism(3).setMaxParallelism(32)
            Sink(.discard).setParallelism(3)
        }
        #expect(dsl.plan.tasks.map(\.parallelism) == [2, 3])
        #expect(dsl.plan.tasks[1].maxParallelism == 32)
        let fluent = try Job.graph("fluent") { graph in
            graph.source(Source(Self.input)).setParallelism(2)
                .map { $0 }.setParallelism(4).setMaxParallelism(16)
                .sink(.discard).setParallelism(4).setMaxParallelism(16)
        }
        #expect(fluent.plan.tasks.map(\.parallelism) == [2, 4])
        #expect(fluent.plan.tasks[1].maxParallelism == 16)
        #expect(fluent.explain().contains("──rebalance──► Task 1"), "a forward edge between parallelisms 2 and 4 becomes a rebalance")
    }
}

private struct DiscardWriter: SinkWriter {
    mutating func write(_ batch: inout Batch<Int>) async throws { batch.removeAll() }
}
