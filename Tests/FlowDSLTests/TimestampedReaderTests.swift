import Flow
import FlowTesting
import Testing

/// Sources that stamp their records (`Source.withTimestamps`).
@Suite("A source that stamps timestamps")
struct TimestampedReaderTests {
    /// An assigner as a type, inlined into the generator's loop.
    struct Hundredfold: TimestampAssigner {
        func timestamp(of element: Int) -> EventTime { EventTime(milliseconds: Int64(element) * 100) }
    }

    private func job<Reader>(
        _ name: String, _ source: Source<Reader>, into out: CollectedRecords<Int>,
        configuration: ExecutionConfiguration
    ) throws -> Job where Reader.Output == Int {
        try Job(name, configuration: configuration) {
            source.name("numbers")
            Filter { (value: Int) in value % 2 == 0 }
            Sink(.collect(into: out))
        }
    }

    @Test("Collection, generators and AsyncSequence stamp every record, fused or not, at every batch size")
    func everySource() async throws {
        let values = Array(0..<40)
        let expected = values.filter { $0 % 2 == 0 }
        let sources: [(String, () -> Source<AnySourceReader<Int>>)] = [
            ("collection", { Source(values).withTimestamps { EventTime(milliseconds: Int64($0) * 100) }.erased() }),
            ("closure generator", { Source.generator(count: 40) { Int($0) }.withTimestamps { EventTime(milliseconds: Int64($0) * 100) }.erased() }),
            ("typed generator", { Source.generator(count: 40) { Int($0) }.withTimestamps(assigner: Hundredfold()).erased() }),
            ("AsyncSequence", { Source(makeSequence: { finishedStream(values) }).withTimestamps(assigner: Hundredfold()).erased() }),
        ]
        for (kind, make) in sources {
            for configuration in [ExecutionConfiguration(batchSize: 3), ExecutionConfiguration(batchSize: 64, fusionEnabled: false)] {
                let out = CollectedRecords<Int>()
                try await job(kind, make(), into: out, configuration: configuration).run()
                #expect(out.records == expected, "\(kind), batch \(configuration.batchSize)")
                #expect(out.timestamps.map(\.milliseconds) == expected.map { Int64($0) * 100 }, "\(kind), batch \(configuration.batchSize)")
            }
        }
    }

    @Test("A stamping source keeps its reader's type, so the stages after it fuse into its loop")
    func fusesWithStages() throws {
        let source = Source.generator(count: 10, function: ReadingNumbers()).withTimestamps(assigner: Hundredfold())
        let _: Source<TimestampedReader<GeneratorReader<ReadingNumbers>, Hundredfold>> = source
        let job = try job("typed", source, into: CollectedRecords(), configuration: ExecutionConfiguration())
        #expect(
            job.plan.tasks.count == 1 && job.plan.tasks[0].sourceStageCount == 2 && job.plan.tasks[0].loopCount == 1,
            "the source runs the filter in its loop:\n\(job.explain())")
    }

    @Test("withTimestamps keeps the source's name and parallelism")
    func keepsSettings() {
        let source = Source([1, 2]).name("in").uid("in-1").withTimestamps { EventTime(milliseconds: Int64($0)) }
        #expect(source.attributes.name == "in" && source.attributes.uid == "in-1" && source.isParallel)
    }

    @Test("At parallelism 2, each instance stamps its own share")
    func parallel() async throws {
        let out = CollectedRecords<Int>()
        let job = try Job("parallel", configuration: ExecutionConfiguration(batchSize: 4)) {
            Source.generator(count: 100) { Int($0) }.withTimestamps(assigner: Hundredfold()).parallelism(2)
            Sink(.collect(into: out)).parallelism(2)
        }
        try await job.run(on: DispatchBackend())
        #expect(out.records.sorted() == Array(0..<100))
        let pairs = zip(out.records, out.timestamps.map(\.milliseconds))
        #expect(pairs.allSatisfy { Int64($0.0) * 100 == $0.1 })
    }

    struct ReadingNumbers: GeneratorFunction {
        func make(_ sequenceNumber: Int64) -> Int { Int(sequenceNumber) }
    }
}
