import Flow
import FlowTesting
import Testing

@Suite("Result-builder DSL")
struct JobBuilderTests {
    @Test("Map transforms every record in order")
    func map() async throws {
        let out = CollectedRecords<Int>()
        let job = try Job("map") {
            Source([1, 2, 3, 4])
            Map { (x: Int) in x * 10 }
            Sink(.collect(into: out))
        }
        try await job.run()
        #expect(out.records == [10, 20, 30, 40])
    }

    @Test("Filter keeps matching records in order")
    func filter() async throws {
        let out = CollectedRecords<Int>()
        let job = try Job("filter") {
            Source(Array(1...10))
            Filter { (x: Int) in x % 3 == 0 }
            Sink(.collect(into: out))
        }
        try await job.run()
        #expect(out.records == [3, 6, 9])
    }

    @Test("FlatMap emits every element of each result, empty results included")
    func flatMap() async throws {
        let out = CollectedRecords<String>()
        let job = try Job("flatMap") {
            Source(["a b", "", "c d e"])
            FlatMap { (line: String) in line.split(separator: " ").map(String.init) }
            Sink(.collect(into: out))
        }
        try await job.run()
        #expect(out.records == ["a", "b", "c", "d", "e"])
    }

    @Test("CompactMap drops nil results")
    func compactMap() async throws {
        let out = CollectedRecords<Int>()
        let job = try Job("compactMap") {
            Source(["1", "x", "3", "", "5"])
            CompactMap { (text: String) in Int(text) }
            Sink(.collect(into: out))
        }
        try await job.run()
        #expect(out.records == [1, 3, 5])
    }

    @Test("A long pure chain changes types stage to stage")
    func typedChain() async throws {
        let out = CollectedRecords<String>()
        let job = try Job("chain") {
            Source(readings(20))
            Filter { (r: Reading) in r.sensor != 0 }
            Map { (r: Reading) in r.value * 2 }
            CompactMap { (v: Int) in v % 3 == 0 ? nil : v }
            FlatMap { (v: Int) in [v, -v] }
            Map { (v: Int) in "v\(v)" }
            Sink(.collect(into: out))
        }
        try await job.run()
        let expected = readings(20).filter { $0.sensor != 0 }.map { $0.value * 2 }.filter { $0 % 3 != 0 }
            .flatMap { [$0, -$0] }.map { "v\($0)" }
        #expect(out.records == expected)
        #expect(job.plan.tasks.count == 1, "source, five pure stages and sink fuse into one task")
        #expect(
            job.plan.tasks[0].sourceStageCount == 6 && job.plan.tasks[0].pieces.isEmpty,
            "the source pushes each record through the five pure stages, one static chain")
    }

    @Test("KeyBy + Reduce emits the running reduction per key")
    func keyedReduce() async throws {
        let out = CollectedRecords<Reading>()
        let job = try Job("reduce") {
            Source(readings(12, sensors: 3))
            KeyBy { (r: Reading) in r.sensor }
            Reduce { (a: Reading, b: Reading) in Reading(sensor: a.sensor, value: a.value + b.value) }
            Sink(.collect(into: out))
        }
        try await job.run()
        var running: [Int: Int] = [:]
        let expected = readings(12, sensors: 3).map { r -> Reading in
            running[r.sensor, default: 0] += r.value
            return Reading(sensor: r.sensor, value: running[r.sensor]!)
        }
        #expect(out.records == expected)
    }

    @Test("Aggregate(.count) counts per key")
    func aggregateCount() async throws {
        let out = CollectedRecords<Keyed<String, Int>>()
        let job = try Job("count") {
            Source(["a", "b", "a", "c", "a", "b"])
            KeyBy { (word: String) in word }
            Aggregate(.count)
            Sink(.collect(into: out))
        }
        try await job.run()
        #expect(out.records.map(\.value) == [1, 1, 2, 1, 3, 2])
        #expect(lastValues(out.records) == ["a": 3, "b": 2, "c": 1])
    }

    @Test("Aggregate with sum, min, max and average")
    func aggregates() async throws {
        let sums = CollectedRecords<Keyed<Int, Int>>()
        let minima = CollectedRecords<Keyed<Int, Int?>>()
        let maxima = CollectedRecords<Keyed<Int, Int?>>()
        let means = CollectedRecords<Keyed<Int, Double>>()
        let input = readings(30, sensors: 4)
        try await Job("sum") {
            Source(input); KeyBy { (r: Reading) in r.sensor }; Aggregate.sum { (r: Reading) in r.value }; Sink(.collect(into: sums))
        }.run()
        try await Job("min") {
            Source(input); KeyBy { (r: Reading) in r.sensor }; Aggregate.min { (r: Reading) in -r.value }; Sink(.collect(into: minima))
        }.run()
        try await Job("max") {
            Source(input); KeyBy { (r: Reading) in r.sensor }; Aggregate.max { (r: Reading) in r.value }; Sink(.collect(into: maxima))
        }.run()
        try await Job("avg") {
            Source(input); KeyBy { (r: Reading) in r.sensor }; Aggregate.average { (r: Reading) in Double(r.value) }; Sink(.collect(into: means))
        }.run()
        let grouped = Dictionary(grouping: input, by: \.sensor)
        #expect(lastValues(sums.records) == grouped.mapValues { $0.reduce(0) { $0 + $1.value } })
        #expect(lastValues(minima.records) == grouped.mapValues { $0.map { -$0.value }.min() })
        #expect(lastValues(maxima.records) == grouped.mapValues { $0.map(\.value).max() })
        #expect(lastValues(means.records) == grouped.mapValues { Double($0.reduce(0) { $0 + $1.value }) / Double($0.count) })
    }

    @Test("Union merges another pipeline's records")
    func union() async throws {
        let out = CollectedRecords<Int>()
        let job = try Job("union") {
            Source([1, 2, 3])
            Union {
                Source([10, 20])
                Map { (x: Int) in x + 1 }
            }
            Map { (x: Int) in x * 2 }
            Sink(.collect(into: out))
        }
        try await job.run()
        #expect(out.records.sorted() == [2, 4, 6, 22, 42])
        #expect(job.plan.tasks.count == 3, "two source tasks feed a task with two inputs")
    }

    @Test("Generator makes count records from sequence numbers; parallel instances split them")
    func generator() async throws {
        for parallelism in [1, 3] {
            let out = CollectedRecords<Int64>()
            let job = try Job("gen") {
                Source.generator(count: 1000) { (n: Int64) in n * n }.parallelism(parallelism)
                Sink(.collect(into: out)).parallelism(parallelism)
            }
            try await job.run()
            #expect(out.records.sorted() == (0..<1000).map { Int64($0) * Int64($0) }, "parallelism \(parallelism)")
        }
    }

    @Test("Generator with a rate limit takes at least count / rate seconds")
    func generatorRate() async throws {
        let out = CollectedRecords<Int64>()
        let job = try Job("rate") {
            Source.generator(count: 200, recordsPerSecond: 1000) { (n: Int64) in n }
            Sink(.collect(into: out))
        }
        let clock = ContinuousClock()
        let elapsed = try await clock.measure { try await job.run() }
        #expect(out.records == (0..<200).map(Int64.init))
        #expect(elapsed >= .milliseconds(190), "200 records at 1000/s took \(elapsed)")
    }

    @Test("An AsyncSequence source delivers every element and ends with it")
    func asyncSequenceSource() async throws {
        let stream = finishedStream(0..<500)
        let out = CollectedRecords<Int>()
        let job = try Job("async") {
            Source(stream)
            Map { (x: Int) in x + 1 }
            Sink(.collect(into: out))
        }
        try await job.run()
        #expect(out.records == Array(1...500))
    }

    @Test("The AsyncStream sink hands every record to the host and ends when the job ends")
    func asyncStreamSink() async throws {
        let (updates, sink) = AsyncStreamSink<Int>.makeStream()
        let job = try Job("stream-sink") {
            Source(Array(0..<300))
            Filter { (x: Int) in x.isMultiple(of: 2) }
            Sink(sink)
        }
        let handle = job.start()
        var received: [Int] = []
        for await value in updates { received.append(value) }
        _ = try await handle.result
        #expect(received == stride(from: 0, to: 300, by: 2).map { $0 })
    }

    @Test("Discard counts what it drops")
    func discard() async throws {
        let job = try Job("discard") {
            Source(Array(0..<77))
            Sink(.discard)
        }
        let result = try await job.run()
        #expect(result.metrics.stages.last?.recordsIn == 77)
        #expect(result.metrics.stages.last?.kind == "Discard")
    }

    @Test("Modifiers name, uid and parallelism reach the plan")
    func modifiers() throws {
        let job = try Job("named") {
            Source([1]).name("numbers").uid("numbers-v1")
            Map { (x: Int) in x }.name("identity").parallelism(2)
            Sink(.discard).name("drop")
        }
        let stages = job.plan.tasks.flatMap(\.stages)
        #expect(stages.map(\.name) == ["numbers", "identity", "drop"])
        #expect(stages[0].uid == "numbers-v1" && stages[0].uidIsUserSet)
        #expect(job.plan.tasks.first { $0.stages.contains { $0.name == "identity" } }?.parallelism == 2)
    }

    @Test("Derived uids are stable across builds and distinct between stages")
    func stableUIDs() throws {
        func build() throws -> Job {
            try Job("uids") {
                Source([1, 2])
                Map { (x: Int) in x }
                Map { (x: Int) in x }
                Sink(.discard)
            }
        }
        let first = try build().plan.tasks.flatMap(\.stages).map(\.uid)
        let second = try build().plan.tasks.flatMap(\.stages).map(\.uid)
        #expect(first == second)
        #expect(Set(first).count == first.count)
        #expect(first.allSatisfy { $0.count == 16 })
    }
}
