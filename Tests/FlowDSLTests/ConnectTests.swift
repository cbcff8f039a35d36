import Flow
import FlowTesting
import Synchronization
import Testing

/// An event of a user, numbered in the order the events source emits it.
private struct Event: Sendable, Hashable, CustomStringConvertible {
    var user: String
    var id: Int
    var description: String { "\(user)#\(id)" }
}

/// A rule for one user from the control stream: block their events or allow them.
private struct Rule: Sendable, Hashable, CustomStringConvertible {
    var user: String
    var blocked: Bool
    var description: String { "\(user):\(blocked ? "block" : "allow")" }
}

private let users = (0..<7).map { "u\($0)" }
private let events = (0..<400).map { Event(user: users[$0 % users.count], id: $0) }
private let rules = users.enumerated().map { Rule(user: $1, blocked: $0 % 3 == 0) }

/// The events that pass the rules, per user, in the order they were emitted.
private let expectedPassing: [String: [Event]] = {
    let blocked = Set(rules.filter(\.blocked).map(\.user))
    return Dictionary(grouping: events.filter { !blocked.contains($0.user) }, by: \.user)
}()

/// The classic Flink example: a user's events wait until the rule for that user arrives on the
/// control input, then pass unless the rule blocks them. The state is per user (per key), so the
/// events that pass, and their order per user, do not depend on how the two inputs interleave.
private struct Blocklist: KeyedCoProcessFunction {
    typealias Output = Event

    struct Gate: Sendable {
        var blocked: Bool?
        var waiting: [Event] = []
    }

    func processFirst(
        _ event: Event, at timestamp: EventTime, key: String, state: inout Gate?,
        into output: inout some RecordCollector<Event>
    ) throws {
        var gate = state ?? Gate()
        switch gate.blocked {
        case nil: gate.waiting.append(event)
        case false?: try output.collect(event, at: timestamp)
        case true?: break
        }
        state = gate
    }

    func processSecond(
        _ rule: Rule, at timestamp: EventTime, key: String, state: inout Gate?,
        into output: inout some RecordCollector<Event>
    ) throws {
        if rule.user == "bad" { throw TestFailure(reason: "bad rule") }
        var gate = state ?? Gate()
        gate.blocked = rule.blocked
        if !rule.blocked {
            for event in gate.waiting { try output.collect(event, at: timestamp) }
        }
        gate.waiting = []
        state = gate
    }
}

/// Passes numbers at least as large as the threshold read from the second input; numbers that
/// arrive before the threshold wait for it. At the end it reports how many it dropped.
private struct ThresholdGate: CoProcessFunction {
    typealias Output = String

    var threshold: Int?
    var waiting: [Int] = []
    var dropped = 0

    mutating func processFirst(_ value: Int, at timestamp: EventTime, into output: inout some RecordCollector<String>) throws {
        guard let threshold else { return waiting.append(value) }
        if value >= threshold { try output.collect("\(value)", at: timestamp) } else { dropped += 1 }
    }

    mutating func processSecond(_ value: Int, at timestamp: EventTime, into output: inout some RecordCollector<String>) throws {
        threshold = value
        let waiting = self.waiting
        self.waiting = []
        for waiting in waiting { try processFirst(waiting, at: timestamp, into: &output) }
    }

    mutating func finish(into output: inout some RecordCollector<String>) throws {
        try output.collect("dropped \(dropped + waiting.count)", at: .unassigned)
    }
}

/// Counts what one parallel instance saw of each input; emits the counts at the end.
private struct InstanceCount: CoProcessFunction {
    typealias Output = [Int]

    var firsts = 0
    var seconds = 0

    mutating func processFirst(_ value: Int, at timestamp: EventTime, into output: inout some RecordCollector<[Int]>) throws {
        firsts += 1
    }

    mutating func processSecond(_ value: String, at timestamp: EventTime, into output: inout some RecordCollector<[Int]>) throws {
        seconds += 1
    }

    mutating func finish(into output: inout some RecordCollector<[Int]>) throws {
        try output.collect([firsts, seconds], at: .unassigned)
    }
}

/// Passes both inputs through as text; emits "end" when both have ended.
private struct Echo: CoProcessFunction {
    typealias Output = String

    mutating func processFirst(_ value: Int, at timestamp: EventTime, into output: inout some RecordCollector<String>) throws {
        try output.collect("n\(value)", at: timestamp)
    }

    mutating func processSecond(_ value: String, at timestamp: EventTime, into output: inout some RecordCollector<String>) throws {
        try output.collect(value, at: timestamp)
    }

    mutating func finish(into output: inout some RecordCollector<String>) throws {
        try output.collect("end", at: .unassigned)
    }
}

/// Describes counts and words, as a type.
private struct Describe: CoMapFunction {
    func mapFirst(_ value: Int) -> String { "n\(value)" }
    func mapSecond(_ value: String) -> String { "s:\(value)" }
}

/// What a sink saw, in order: "records:<n>" per batch, "watermark" per watermark, "finish".
private final class SinkLog: Sendable {
    let entries = Mutex<[String]>([])
    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
}

private struct LoggingWriter: SinkWriter {
    let log: SinkLog
    mutating func write(_ batch: inout Batch<String>) async throws {
        log.append("records:\(batch.count)")
        batch.removeAll()
    }
    mutating func processWatermark(_ watermark: Watermark) async throws {
        log.append(watermark == .maximum ? "watermark:max" : "watermark:\(watermark)")
    }
    mutating func finish() async throws { log.append("finish") }
}

/// The records of `output` with `prefix`, in output order: one input's share, whose order is defined.
private func side(_ output: [String], _ prefix: String) -> [String] {
    output.filter { $0.hasPrefix(prefix) }
}

private func variantLabel(_ variant: ExecutionVariant) -> Comment {
    Comment(rawValue: "\(variant)")
}

@Suite("connect: two-input stages")
struct ConnectTests {
    static let counts = Array(0..<500)
    static let words = (0..<300).map { "w\($0)" }

    static func coMapJob(_ configuration: ExecutionConfiguration, into out: CollectedRecords<String>) throws -> Job {
        try Job.graph("co-map", configuration: configuration) { graph in
            let counts = graph.source(Source(Self.counts)).name("counts")
            let words = graph.source(Source(Self.words)).name("words")
            counts.connect(words).map(first: { "n\($0)" }, second: { "s:\($0)" }).name("describe").sink(.collect(into: out))
        }
    }

    @Test("CoMap over an Int and a String stream: each input's records keep their order, none is lost")
    func coMap() async throws {
        let out = CollectedRecords<String>()
        let results = try await ExecutionVariants.run(
            makeJob: { configuration in
                out.removeAll(); return try Self.coMapJob(configuration, into: out)
            },
            collect: { out.records })
        for (variant, output) in results {
            #expect(side(output, "n") == Self.counts.map { "n\($0)" }, variantLabel(variant))
            #expect(side(output, "s:") == Self.words.map { "s:\($0)" }, variantLabel(variant))
            #expect(output.count == Self.counts.count + Self.words.count, variantLabel(variant))
        }
    }

    @Test("The co-stage forwards the smaller watermark of its inputs: the end-of-input watermark only after both ended")
    func watermarks() async throws {
        for process in [false, true] {
            let log = SinkLog()
            let job = try Job.graph("watermarks", configuration: ExecutionConfiguration(batchSize: 16)) { graph in
                let short = graph.source(Source([1, 2]))
                let long = graph.source(Source(Self.words))
                let connected = short.connect(long)
                let merged = process ? connected.process(Echo()) : connected.map(first: { "n\($0)" }, second: { $0 })
                merged.sink(WriterSink { LoggingWriter(log: log) })
            }
            try await job.run()
            let entries = log.entries.withLock { $0 }
            let count = { (entries: ArraySlice<String>) in
                entries.filter { $0.hasPrefix("records:") }.reduce(0) { $0 + Int($1.dropFirst("records:".count))! }
            }
            let watermark = try #require(entries.firstIndex(of: "watermark:max"), "process \(process): \(entries)")
            #expect(entries.filter { $0.hasPrefix("watermark") }.count == 1, "process \(process): \(entries)")
            #expect(count(entries[..<watermark]) == 2 + Self.words.count, "every record of both inputs comes before the watermark")
            #expect(count(entries[watermark...]) == (process ? 1 : 0), "only what finish emits comes after it")
            #expect(entries.last == "finish")
        }
    }

    @Test("CoMap with a CoMapFunction type")
    func coMapFunction() async throws {
        let out = CollectedRecords<String>()
        let job = try Job.graph("co-map-typed") { graph in
            graph.source(Source([1, 2])).connect(graph.source(Source(["a"]))).map(Describe()).sink(.collect(into: out))
        }
        try await job.run()
        #expect(out.records.sorted() == ["n1", "n2", "s:a"])
        #expect(job.plan.tasks.last?.stages.first?.kind == "CoMap")
    }

    @Test("CoFlatMap: each input's records become any number of records, in order per input")
    func coFlatMap() async throws {
        let lines = ["to be or", "", "not to be", "that is"]
        let repeats = [2, 0, 3]
        let out = CollectedRecords<String>()
        let results = try await ExecutionVariants.run(
            makeJob: { configuration in
                out.removeAll()
                return try Job.graph("co-flat-map", configuration: configuration) { graph in
                    graph.source(Source(lines))
                        .connect(graph.source(Source(repeats)))
                        .flatMap(
                            first: { $0.split(separator: " ").map(String.init) },
                            second: { count in (0..<count).lazy.map { "#\(count).\($0)" } }
                        )
                        .sink(.collect(into: out))
                }
            },
            collect: { out.records })
        for (variant, output) in results {
            #expect(output.filter { !$0.hasPrefix("#") } == ["to", "be", "or", "not", "to", "be", "that", "is"], variantLabel(variant))
            #expect(side(output, "#") == ["#2.0", "#2.1", "#3.0", "#3.1", "#3.2"], variantLabel(variant))
        }
    }

    @Test("CoProcess keeps state in the function: a config input gates a data input; finish emits last")
    func coProcess() async throws {
        let numbers = (0..<60).map { ($0 * 37) % 60 }
        let out = CollectedRecords<String>()
        let results = try await ExecutionVariants.run(
            makeJob: { configuration in
                out.removeAll()
                return try Job.graph("co-process", configuration: configuration) { graph in
                    let data = graph.source(Source(numbers))
                    let config = graph.source(Source([45]))
                    data.connect(config).process(ThresholdGate()).name("gate").sink(.collect(into: out))
                }
            },
            collect: { out.records })
        // Waiting numbers are released in their own order, so the whole output order is defined.
        let expected = numbers.filter { $0 >= 45 }.map(String.init) + ["dropped 45"]
        for (variant, output) in results {
            #expect(output == expected, variantLabel(variant))
        }
    }

    @Test("CoProcess at parallelism 2: each instance runs its own copy of the function")
    func coProcessPerInstance() async throws {
        let out = CollectedRecords<[Int]>()
        // Small batches, so the rebalance (one batch at a time, round robin) reaches both instances.
        let job = try Job.graph("co-process-p2", configuration: ExecutionConfiguration(batchSize: 8)) { graph in
            graph.source(Source(Array(0..<100)))
                .connect(graph.source(Source(["a", "b", "c"])))
                .process(InstanceCount()).parallelism(2)
                .sink(.collect(into: out)).parallelism(2)
        }
        try await job.run()
        #expect(out.records(ofSubtask: 0).count == 1)
        #expect(out.records(ofSubtask: 1).count == 1)
        let totals = out.records.reduce([0, 0]) { [$0[0] + $1[0], $0[1] + $1[1]] }
        #expect(totals == [100, 3])
        #expect(out.records.allSatisfy { $0[0] < 100 }, "the records of one input are spread over both instances")
    }

    fileprivate static func blocklistJob(_ configuration: ExecutionConfiguration, into out: CollectedRecords<Event>) throws -> Job {
        try Job.graph("blocklist", configuration: configuration) { graph in
            let data = graph.source(Source(events)).name("events")
            let control = graph.source(Source(rules)).name("rules")
            data.keyBy { $0.user }
                .connect(control.keyBy { $0.user })
                .process(Blocklist()).name("gate").parallelism(2)
                .sink(.collect(into: out)).parallelism(2)
        }
    }

    @Test("Keyed connect at parallelism 2: per-key state filters events by rules from the other input")
    func keyedBlocklist() async throws {
        let out = CollectedRecords<Event>()
        let results = try await ExecutionVariants.run(
            makeJob: { configuration in
                out.removeAll(); return try Self.blocklistJob(configuration, into: out)
            },
            collect: { (all: out.records, bySubtask: [out.records(ofSubtask: 0), out.records(ofSubtask: 1)]) })
        for (variant, output) in results {
            #expect(Dictionary(grouping: output.all, by: \.user) == expectedPassing, variantLabel(variant))
            for (subtask, records) in output.bySubtask.enumerated() {
                for event in records {
                    let owner = KeyGroup(of: event.user, maxParallelism: KeyGroup.defaultMaxParallelism)
                        .owner(parallelism: 2, maxParallelism: KeyGroup.defaultMaxParallelism)
                    #expect(owner == subtask, "user \(event.user) emitted by subtask \(subtask), owned by \(owner)")
                }
            }
        }
        let owners = Set(
            expectedPassing.keys.map {
                KeyGroup(of: $0, maxParallelism: KeyGroup.defaultMaxParallelism).owner(parallelism: 2, maxParallelism: KeyGroup.defaultMaxParallelism)
            })
        #expect(owners == [0, 1], "the passing users should be spread over both instances, or the test checks less than it says")
    }

    @Test("Keyed connect: map and flatMap run on key-partitioned records of both inputs")
    func keyedMapAndFlatMap() async throws {
        let mapped = CollectedRecords<String>()
        let flattened = CollectedRecords<String>()
        let job = try Job.graph("keyed-map") { graph in
            let data = graph.source(Source(events)).keyBy { $0.user }
            let control = graph.source(Source(rules)).keyBy { $0.user }
            data.connect(control)
                .map(first: { $0.user }, second: { $0.user })
                .parallelism(2)
                .sink(.collect(into: mapped)).parallelism(2)
            data.connect(control)
                .flatMap(first: { [$0.user] }, second: { _ in [String]() })
                .parallelism(2)
                .sink(.collect(into: flattened)).parallelism(2)
        }
        try await job.run()
        #expect(mapped.records.count == events.count + rules.count)
        #expect(flattened.records.count == events.count)
        for out in [mapped, flattened] {
            for subtask in 0..<2 {
                for user in out.records(ofSubtask: subtask) {
                    #expect(
                        KeyGroup(of: user, maxParallelism: KeyGroup.defaultMaxParallelism)
                            .owner(parallelism: 2, maxParallelism: KeyGroup.defaultMaxParallelism) == subtask)
                }
            }
        }
    }

    @Test("A throwing CoMap fails the job naming the stage and the tagged record")
    func throwingCoMap() async throws {
        let job = try Job.graph("co-map-fails") { graph in
            graph.source(Source([1, 2, 3]))
                .connect(graph.source(Source(["4", "five", "6"])))
                .map(
                    first: { $0 },
                    second: { text throws -> Int in
                        guard let value = Int(text) else { throw TestFailure(reason: "not a number: \(text)") }
                        return value
                    }
                )
                .name("parse").uid("parse-1")
                .sink(.discard)
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .userFunctionFailed)
        #expect(error?.stageName == "parse")
        #expect(error?.stageID == "parse-1")
        #expect(error?.record == "second(five)")
        #expect(error?.underlying as? TestFailure == TestFailure(reason: "not a number: five"))
    }

    @Test("A throwing keyed CoProcess fails the job naming the stage and the tagged record")
    func throwingKeyedCoProcess() async throws {
        let job = try Job.graph("gate-fails") { graph in
            graph.source(Source(events)).keyBy { $0.user }
                .connect(graph.source(Source([Rule(user: "u1", blocked: false), Rule(user: "bad", blocked: true)])).keyBy { $0.user })
                .process(Blocklist()).name("gate")
                .sink(.discard)
        }
        let error = await #expect(throws: FlowError.self) { try await job.run() }
        #expect(error?.code == .userFunctionFailed)
        #expect(error?.stageName == "gate")
        #expect(error?.record == "second(bad:block)")
        #expect(error?.underlying as? TestFailure == TestFailure(reason: "bad rule"))
    }

    @Test("explain(): the tagging maps fuse into their upstream tasks; the co-stage has two input edges")
    func explain() throws {
        let out = CollectedRecords<String>()
        let job = try Job.graph("explained") { graph in
            let counts = graph.source(Source(Array(0..<10))).name("counts").map { $0 * 2 }.name("double")
            let words = graph.source(Source(["a"])).name("words")
            counts.connect(words).map(first: { "n\($0)" }, second: { $0 }).name("describe").sink(.collect(into: out))
        }
        let plan = job.plan
        #expect(
            plan.tasks.map { $0.stages.map(\.name) } == [
                ["counts", "double", "Connect (first)"],
                ["words", "Connect (second)"],
                ["describe", "Collect"],
            ])
        #expect(plan.tasks[2].stages.map(\.kind) == ["CoMap", "Collect"])
        let into = plan.edges.filter { $0.to == 2 }
        #expect(into.map(\.from).sorted() == [0, 1])
        #expect(into.allSatisfy { $0.partitioning.name == "forward" })
        let text = job.explain()
        #expect(text.contains("  Map 'Connect (first)' uid="))
        #expect(text.contains("  Map 'Connect (second)' uid="))
        #expect(text.contains("  CoMap 'describe' uid="))
        #expect(text.components(separatedBy: "──forward──► Task 2").count - 1 == 2)
    }

    @Test("explain(): keyed connect partitions both tagged inputs by key into the keyed co-stage")
    func explainKeyed() throws {
        let job = try Self.blocklistJob(ExecutionConfiguration(), into: CollectedRecords<Event>())
        let plan = job.plan
        #expect(plan.tasks.map { $0.stages.map(\.name) } == [["events", "Connect (first)"], ["rules", "Connect (second)"], ["gate", "Collect"]])
        #expect(plan.tasks[2].stages[0].kind == "KeyedCoProcess")
        #expect(plan.tasks.map(\.parallelism) == [1, 1, 2])
        #expect(plan.edges.filter { $0.to == 2 }.map(\.partitioning.name) == ["hash(String)", "hash(String)"])
    }

    @Test("A tagging map takes its upstream's parallelism, so it still fuses into it")
    func taggingFollowsUpstreamParallelism() async throws {
        let out = CollectedRecords<String>()
        let job = try Job.graph("parallel-source") { graph in
            graph.source(.generator(count: 20) { $0 }).parallelism(3)
                .connect(graph.source(Source(["x"])))
                .map(first: { "n\($0)" }, second: { $0 })
                .sink(.collect(into: out))
        }
        #expect(job.plan.tasks[0].stages.map(\.name) == ["Source", "Connect (first)"])
        #expect(job.plan.tasks[0].parallelism == 3)
        #expect(job.plan.tasks.count == 3)
        try await job.run()
        #expect(out.records.sorted() == ((0..<20).map { "n\($0)" } + ["x"]).sorted())
    }

    @Test("Connecting a union tags each of its streams in its own upstream task")
    func connectUnion() async throws {
        let out = CollectedRecords<String>()
        let job = try Job.graph("union-connect") { graph in
            let low = graph.source(Source([1, 2, 3]))
            let high = graph.source(Source([100, 200]))
            low.union(high).connect(graph.source(Source(["z"])))
                .map(first: { "n\($0)" }, second: { $0 })
                .sink(.collect(into: out))
        }
        #expect(job.plan.tasks.count == 4)
        #expect(job.plan.edges.filter { $0.to == 3 }.count == 3)
        try await job.run()
        #expect(out.records.filter { ["n1", "n2", "n3"].contains($0) } == ["n1", "n2", "n3"])
        #expect(out.records.filter { ["n100", "n200"].contains($0) } == ["n100", "n200"])
        #expect(out.records.sorted() == ["n1", "n100", "n2", "n200", "n3", "z"])
    }

    @Test("Connecting streams of two JobGraphs is reported when the job is built")
    func otherGraph() throws {
        let other = JobGraph(name: "other")
        let foreign = other.source(Source(["a"]))
        let error = #expect(throws: FlowError.self) {
            try Job.graph("two-graphs") { graph in
                graph.source(Source([1])).connect(foreign).map(first: { "\($0)" }, second: { $0 }).sink(.discard)
            }
        }
        #expect(error?.code == .invalidGraph)
        #expect(error?.message.contains("connect(_:) got a stream from another JobGraph") == true)

        let foreignKeyed = other.source(Source(["b"])).keyBy { $0 }
        let keyedError = #expect(throws: FlowError.self) {
            try Job.graph("two-graphs-keyed") { graph in
                graph.source(Source(["a"])).keyBy { $0 }.connect(foreignKeyed).map(first: { $0 }, second: { $0 }).sink(.discard)
            }
        }
        #expect(keyedError?.code == .invalidGraph)
        #expect(keyedError?.message.contains("connect(_:) got a keyed stream from another JobGraph") == true)
    }
}
