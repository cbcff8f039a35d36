import Flow
import FlowTesting
import Testing

@Suite("Regressions found in review")
struct ReviewRegressionTests {
    @Test("Two aggregations on one KeyedStream both reach their sinks")
    func keyedStreamBranches() async throws {
        let sums = CollectedRecords<Keyed<Int, Int>>()
        let maxima = CollectedRecords<Keyed<Int, Int?>>()
        let job = try Job.graph("two-keyed-branches") { graph in
            let keyed = graph.source(Source(readings(30, sensors: 3))).keyBy { $0.sensor }
            keyed.sum { $0.value }.sink(.collect(into: sums))
            keyed.max { $0.value }.sink(.collect(into: maxima))
        }
        try await job.run()
        let grouped = Dictionary(grouping: readings(30, sensors: 3), by: \.sensor)
        #expect(lastValues(sums.records) == grouped.mapValues { $0.reduce(0) { $0 + $1.value } })
        #expect(lastValues(maxima.records) == grouped.mapValues { $0.map(\.value).max() })
    }

    @Test("A NaN key fails the keyed stage with a clear error instead of growing state or crashing")
    func nanKey() async throws {
        for useReduce in [true, false] {
            let job = try Job.graph("nan") { graph in
                let keyed = graph.source(Source([1.0, .nan, 2.0])).keyBy { $0 }
                if useReduce {
                    keyed.reduce(+).name("sum").sink(.discard)
                } else {
                    keyed.aggregate(.count).name("sum").sink(.discard)
                }
            }
            let error = await #expect(throws: FlowError.self) { try await job.run() }
            #expect(error?.code == .userFunctionFailed)
            #expect(error?.stageName == "sum")
            #expect(error?.underlying is KeyNotEqualToItself)
            #expect(error?.recordPosition == 1)
            // The key is at fault, not the reduce or aggregate function.
            let description = error?.description ?? ""
            #expect(!description.contains("function threw"), "\(description)")
            #expect(error?.message.contains("the key of record #1 of its input is unusable") == true, "\(description)")
            #expect(description.ranges(of: "not equal to itself (a floating-point NaN?)").count == 1, "\(description)")
        }
    }

    @Test("A NaN key in a keyed co-process blames the key and names the record")
    func nanKeyCoProcess() async throws {
        let job = try Job.graph("nan-co") { graph in
            let numbers = graph.source(Source([1.0, 2.0])).name("numbers")
            let probes = graph.source(Source([3.0, .nan])).name("probes")
            numbers.keyBy { $0 }.connect(probes.keyBy { $0 })
                .process(CountPerKey()).name("count").sink(.discard)
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .userFunctionFailed)
        #expect(error?.stageName == "count")
        #expect(error?.underlying is KeyNotEqualToItself)
        #expect(error?.record?.contains("nan") == true)
        #expect(error?.message.contains("is unusable for") == true, "\(error?.description ?? "none")")
        #expect(error?.description.contains("function threw") == false)
    }

    /// Counts the records of each key, over both inputs.
    struct CountPerKey: KeyedCoProcessFunction {
        typealias Output = Int

        func processFirst(
            _ value: Double, at timestamp: EventTime, key: Double, state: inout Int?,
            into output: inout some RecordCollector<Int>
        ) throws {
            state = (state ?? 0) + 1
            try output.collect(state!, at: timestamp)
        }
        func processSecond(
            _ value: Double, at timestamp: EventTime, key: Double, state: inout Int?,
            into output: inout some RecordCollector<Int>
        ) throws {
            state = (state ?? 0) + 1
            try output.collect(state!, at: timestamp)
        }
    }

    @Test("A generator rate that is not finite is a configuration error", arguments: [Double.infinity, .nan, 0, -1])
    func badRate(_ rate: Double) async throws {
        let job = try Job("rate") {
            Source.generator(count: 10, recordsPerSecond: rate) { (n: Int64) in n }; Sink(.discard)
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test("A generator count near Int64.max at parallelism 3 does not overflow")
    func hugeCount() async throws {
        let job = try Job("huge") {
            Source.generator(count: .max) { (n: Int64) in n }.parallelism(3)
            Filter { (n: Int64) in n > 100_000 }.parallelism(3)
            Sink(.discard).parallelism(3)
        }
        let handle = job.start()
        let deadline = ContinuousClock.now + .seconds(20)
        while (handle.metrics().stages.first?.recordsOut ?? 0) < 10_000, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        handle.cancel()
        let error = await #expect(throws: FlowError.self) { _ = try await handle.result }
        #expect(error?.code == .cancelled)
    }

    @Test("Cancelling a job whose AsyncSequence source waits does not finish its sink")
    func cancelledAsyncSource() async throws {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        continuation.yield(1)
        let out = CollectedRecords<Int>()
        let job = try Job("waiting") {
            Source(stream); Sink(.collect(into: out))
        }
        let handle = job.start()
        let deadline = ContinuousClock.now + .seconds(20)
        while out.records.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        handle.cancel()
        let error = await #expect(throws: FlowError.self) { _ = try await handle.result }
        #expect(error?.code == .cancelled)
        #expect(out.records == [1])
        #expect(out.finishedInstances == 0, "a cancelled job must not finish its sinks")
        continuation.finish()
    }
}
