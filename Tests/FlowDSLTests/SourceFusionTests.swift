import Flow
import Testing

/// A source followed by pure stages runs as one reader that pushes each record through them.
@Suite("A source fused with the pure stages after it")
struct SourceFusionTests {
    /// A record maker as a type, so the fused loop is specialized for it.
    struct Tenfold: GeneratorFunction {
        func make(_ sequenceNumber: Int64) -> Int { Int(sequenceNumber) * 10 }
    }

    /// The job every variant runs: `source` → map → filter → flatMap (fan-out) → map → collect.
    private func job<Reader>(
        _ name: String, _ source: Source<Reader>, into out: CollectedRecords<String>,
        configuration: ExecutionConfiguration = ExecutionConfiguration(batchSize: 7)
    ) throws -> Job
    where Reader.Output == Int {
        try Job(name, configuration: configuration) {
            source.name("numbers")
            Map { (value: Int) in value + 1 }.name("inc")
            Filter { (value: Int) in value % 3 != 0 }.name("not3")
            FlatMap { (value: Int) in [value, -value] }.name("both")
            Map { (value: Int) in "v\(value)" }.name("label")
            Sink(.collect(into: out)).name("out")
        }
    }

    private func expected(_ values: some Sequence<Int>) -> [String] {
        values.map { $0 + 1 }.filter { $0 % 3 != 0 }.flatMap { [$0, -$0] }.map { "v\($0)" }
    }

    @Test("Every kind of source, fused, gives what the same job gives unfused")
    func sameOutput() async throws {
        let values = (0..<100).map { $0 * 10 }
        let sources: [(String, (CollectedRecords<String>, ExecutionConfiguration) throws -> Job)] = [
            ("collection", { try job("collection", Source(values), into: $0, configuration: $1) }),
            ("closure generator", { try job("generator", Source.generator(count: 100) { Int($0) * 10 }, into: $0, configuration: $1) }),
            ("typed generator", { try job("typed", Source.generator(count: 100, function: Tenfold()), into: $0, configuration: $1) }),
            (
                "rate-limited generator",
                { try job("paced", Source.generator(count: 100, recordsPerSecond: 100_000, function: Tenfold()), into: $0, configuration: $1) }
            ),
            ("AsyncSequence", { try job("stream", Source(finishedStream(values)), into: $0, configuration: $1) }),
        ]
        for (kind, make) in sources {
            let fusedOut = CollectedRecords<String>()
            let fused = try make(fusedOut, ExecutionConfiguration(batchSize: 7))
            #expect(
                fused.plan.tasks.count == 1 && fused.plan.tasks[0].sourceStageCount == 5 && fused.plan.tasks[0].pieces.isEmpty,
                "\(kind): the source runs all four stages")
            try await fused.run()

            let plainOut = CollectedRecords<String>()
            let plain = try make(plainOut, ExecutionConfiguration(batchSize: 7, fusionEnabled: false))
            #expect(plain.plan.tasks.allSatisfy { $0.sourceStageCount <= 1 })
            try await plain.run()

            #expect(fusedOut.records == expected(values), "\(kind)")
            #expect(plainOut.records == fusedOut.records, "\(kind)")
        }
    }

    @Test("At parallelism 2 on threads each instance pushes its own share through its own chain")
    func parallel() async throws {
        let out = CollectedRecords<String>()
        let job = try job(
            "parallel", Source.generator(count: 10_000, function: Tenfold()), into: out,
            configuration: ExecutionConfiguration(batchSize: 64, defaultParallelism: 2))
        #expect(job.plan.tasks.count == 1 && job.plan.tasks[0].parallelism == 2 && job.plan.tasks[0].sourceStageCount == 5)
        let result = try await job.run(on: .dispatch)
        let values = (0..<10_000).map { $0 * 10 }
        #expect(out.records.sorted() == expected(values).sorted())
        // Each instance made its own half (even / odd numbers) and counted it in its own chain.
        #expect(out.records(ofSubtask: 0).sorted() == expected(values.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)).sorted())
        #expect(out.records(ofSubtask: 1).sorted() == expected(values.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)).sorted())
        let kept = values.map { $0 + 1 }.filter { $0 % 3 != 0 }.count
        #expect(
            result.metrics.stages.map { "\($0.name) \($0.recordsIn)/\($0.recordsOut)" }
                == [
                    "numbers 0/10000", "inc 10000/10000", "not3 10000/\(kept)", "both \(kept)/\(2 * kept)",
                    "label \(2 * kept)/\(2 * kept)", "out \(2 * kept)/0",
                ])
    }

    @Test(
        "A fused AsyncSequence source whose filter drops most elements is read again at once after each one",
        arguments: [BackendKind.sync, .dispatch, .actor])
    func droppingFilterIsNotBackedOff(kind: BackendKind) async throws {
        // 5,000 buffered elements, 1 in 100 kept: if a read whose element the filter dropped counted
        // as "idle", the back-off (up to 1 ms per read) would take about 5 s.
        let stream = finishedStream(0..<5_000)
        let out = CollectedRecords<Int>()
        let job = try Job("dropping") {
            Source(stream)
            Filter { (x: Int) in x % 100 == 0 }
            Sink(.collect(into: out))
        }
        #expect(job.plan.tasks.count == 1 && job.plan.tasks[0].sourceStageCount == 2)
        let result = try await job.run(on: kind.defaultBackend)
        #expect(out.records == (0..<50).map { $0 * 100 })
        // Idle time, not wall time: other tests may share the machine's cores. The task idles only
        // while its pump has not refilled the buffer, a few times per run, but each such wait ends
        // with a pool hop that a pool held by other tests can delay by seconds (see
        // SourcePacingTests), so the bound is loose; `droppingFilterOneRecordPerRead` checks the rule.
        let task = try #require(result.metrics.tasks.first)
        #expect(task.idle < .seconds(10), "the task idled \(task.idle) on \(kind): \(task)")
    }

    @Test(
        "A fused source whose filter drops most records, read one record at a time, is read again at once after each",
        arguments: [BackendKind.sync, .dispatch, .actor])
    func droppingFilterOneRecordPerRead(kind: BackendKind) async throws {
        // Each read makes one record and answers `.idle(until: nil)`; the filter drops 99 in 100,
        // so most reads emit nothing. If a read that made a record the filter dropped counted as
        // idle, the back-off (up to 1 ms per read) would take about 5 s. Read again at once, the
        // task never waits for its source, so pool delays do not add to its idle time.
        let out = CollectedRecords<Int>()
        let job = try Job("dropping-one-per-read") {
            Source(kind: "OneRecordPerRead", isParallel: false) { OneRecordPerRead(count: 5_000) }
            Filter { (x: Int) in x % 100 == 0 }
            Sink(.collect(into: out))
        }
        #expect(job.plan.tasks.count == 1 && job.plan.tasks[0].sourceStageCount == 2)
        let result = try await job.run(on: kind.defaultBackend)
        #expect(out.records == (0..<50).map { $0 * 100 })
        let task = try #require(result.metrics.tasks.first)
        #expect(task.idle < .seconds(1), "the task idled \(task.idle) on \(kind): \(task)")
    }

    @Test("Each stage inside the fused source counts its records in and out as it would unfused")
    func counts() async throws {
        let values = Array(0..<50)
        let fused = try await job("fused", Source(values), into: CollectedRecords()).run()
        let plain = try await job(
            "plain", Source(values), into: CollectedRecords(),
            configuration: ExecutionConfiguration(batchSize: 7, fusionEnabled: false)
        ).run()
        let counts = { (result: JobResult) in result.metrics.stages.map { "\($0.name) \($0.recordsIn)/\($0.recordsOut)" } }
        // 50 made; +1 keeps 50; 16 of 1...50 are multiples of 3; each of the 34 left twice.
        #expect(counts(fused) == ["numbers 0/50", "inc 50/50", "not3 50/34", "both 34/68", "label 68/68", "out 68/0"])
        #expect(counts(plain) == counts(fused))
    }

    @Test("A stage inside the fused source that throws names itself and the record's position in the source")
    func failure() async throws {
        for fusion in [true, false] {
            let job = try Job("fails", configuration: ExecutionConfiguration(batchSize: 4, fusionEnabled: fusion)) {
                Source.generator(count: 40) { Int($0) }.name("numbers")
                Map { (value: Int) in value * 2 }.name("double")
                Filter { (value: Int) in
                    if value == 26 { throw TestFailure(reason: "thirteen") }
                    return true
                }.name("picky")
                Sink(.discard)
            }
            #expect(job.plan.tasks[0].sourceStageCount == (fusion ? 3 : 1))
            let error = await #expect(throws: FlowError.self) { try await job.run() }
            #expect(error?.code == .userFunctionFailed, "fusion \(fusion)")
            #expect(error?.stageName == "picky", "fusion \(fusion)")
            // Record 13 of the source (the fourth batch of four) reached the filter as 26.
            #expect(error?.recordPosition == 13, "fusion \(fusion)")
            #expect(error?.record == "26", "fusion \(fusion)")
            #expect(error?.underlying as? TestFailure == TestFailure(reason: "thirteen"), "fusion \(fusion)")
        }
    }

    @Test("After a fused stage throws, the counts are those of the last whole read: no stage counts the failing read")
    func countsAfterFailure() async throws {
        // A flush timeout far longer than any read: reads are sized by the pacer's start alone
        // (1, then 4), not by how long a read took on a loaded machine.
        let job = try Job("fails", configuration: ExecutionConfiguration(batchSize: 4, flushTimeout: .seconds(60))) {
            Source.generator(count: 40) { Int($0) }.name("numbers")
            Map { (value: Int) throws -> Int in
                if value == 13 { throw TestFailure(reason: "thirteen") }
                return value
            }.name("check")
            Filter { (_: Int) in true }.name("all")
            Sink(.discard).name("out")
        }
        #expect(job.plan.tasks[0].sourceStageCount == 3)
        let handle = job.start()
        let error = await #expect(throws: FlowError.self) { _ = try await handle.result }
        #expect(error?.stageName == "check" && error?.recordPosition == 13)
        // Reads of 1, 4, 4 and 4 records (the pacer starts at one) went through whole before the
        // read of records 13…16 failed.
        #expect(
            handle.metrics().stages.map { "\($0.name) \($0.recordsIn)/\($0.recordsOut)" }
                == ["numbers 0/13", "check 13/13", "all 13/13", "out 13/0"])
    }

    @Test("Sources of different readers share one type once erased, and still fuse")
    func erased() async throws {
        let stream = finishedStream([7, 8, 9])
        let sources: [Source<AnySourceReader<Int>>] = [
            Source([1, 2, 3]).erased(), Source(stream).erased().name("live"),
            Source.generator(count: 3) { Int($0) + 4 }.erased(),
        ]
        #expect(sources[1].attributes.name == "live" && !sources[1].isParallel && sources[0].isParallel)
        var outputs: [[Int]] = []
        for source in sources {
            let out = CollectedRecords<Int>()
            let job = try Job("erased") {
                source
                Map { (x: Int) in x * 10 }
                Sink(.collect(into: out))
            }
            #expect(job.plan.tasks[0].sourceStageCount == 2)
            try await job.run()
            outputs.append(out.records)
        }
        #expect(outputs == [[10, 20, 30], [70, 80, 90], [40, 50, 60]])
    }

    @Test("A chain the planner splits keeps the part before the split fused with its source, and the output is unchanged")
    func brokenChain() async throws {
        let out = CollectedRecords<Int>()
        let job = try Job("split") {
            Source(Array(0..<20)).name("numbers")
            Map { (value: Int) in value + 1 }
            Map { (value: Int) in value * 2 }.disableChaining()
            Sink(.collect(into: out))
        }
        #expect(job.plan.tasks[0].sourceStageCount == 2, "the source runs the map before the split")
        try await job.run()
        #expect(out.records == (0..<20).map { ($0 + 1) * 2 })
    }

    @Test("Split anywhere, the stages before the split run in the source's loop and those after it in one composed chain up to the next split")
    func splitsKeepPrefixesFused() async throws {
        for split in 1...4 {
            let out = CollectedRecords<String>()
            let job = try Job("split at \(split)") {
                Source(Array(0..<50)).name("numbers")
                Map { (value: Int) in value + 1 }.disableChaining(split == 1)
                Filter { (value: Int) in value % 3 != 0 }.disableChaining(split == 2)
                FlatMap { (value: Int) in [value, -value] }.disableChaining(split == 3)
                Map { (value: Int) in "v\(value)" }.disableChaining(split == 4)
                Sink(.collect(into: out))
            }
            let tasks = job.plan.tasks
            #expect(tasks[0].sourceStageCount == split, "split before stage \(split): \(job.explain())")
            #expect(tasks[0].pieces.isEmpty, "every stage before the split runs inside the source's read")
            try await job.run()
            #expect(out.records == expected(0..<50), "split at \(split)")
        }
        // After a keyed stage: the pure stages up to a split are one composed piece.
        let out = CollectedRecords<Int>()
        let keyed = try Job("keyed split") {
            Source(Array(0..<30))
            KeyBy { (value: Int) in value % 2 }
            Reduce { (a: Int, b: Int) in a + b }.uid("sums")
            Map { (value: Int) in value * 2 }
            Filter { (value: Int) in value % 4 == 0 }
            Map { (value: Int) in value + 1 }
            Map { (value: Int) in value }.disableChaining()
            Sink(.collect(into: out))
        }
        let reduceTask = try #require(keyed.plan.tasks.first { $0.stages.first?.kind == "Reduce" })
        #expect(
            reduceTask.stages.count == 4 && reduceTask.pieces.count == 2 && reduceTask.pieces[1].isStaticChain && reduceTask.pieces[1].body.stageCount == 3,
            "\(keyed.explain())")
        try await keyed.run()
        var sums = [0, 0]
        var expectedOutput: [Int] = []
        for value in 0..<30 {
            sums[value % 2] += value
            let doubled = sums[value % 2] * 2
            if doubled % 4 == 0 { expectedOutput.append(doubled + 1) }
        }
        #expect(out.records == expectedOutput)
    }

    @Test("explain() says how many stages the source runs")
    func explain() throws {
        let text = try job("explained", Source([1, 2, 3]), into: CollectedRecords()).explain()
        #expect(text.contains("Task 0 [fused, source runs 4 stages]"), "\(text)")
    }
}

extension ConfigurableStage {
    /// ``disableChaining()`` if `disabled`, else the stage as it is.
    fileprivate func disableChaining(_ disabled: Bool) -> Self { disabled ? disableChaining() : self }
}
