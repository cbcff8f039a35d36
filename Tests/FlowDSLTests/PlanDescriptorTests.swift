import Flow
import FlowRuntime
import FlowTesting
import Foundation
import Testing

/// A plan as data: its descriptor round-trips through JSON, binds to the registry of the same job
/// built again (as another process builds it) and runs identically, also at another placement; a
/// descriptor of another job is refused, naming the first difference. The cross-process tests run
/// the PlanWorker example as child processes.
@Suite struct PlanDescriptorTests {
    /// Sums per key of 0..<count that are not multiples of 3, by remainder mod 5, through a fused
    /// source, a keyed aggregate and a map; a side output and a custom partitioner when `full`.
    static func job(into results: CollectedRecords<String>, odds: CollectedRecords<Int>? = nil, count: Int = 5_000) throws -> Job {
        guard let odds else {
            return try Job("sums") {
                Source(Array(0..<count)).uid("numbers")
                Filter { (n: Int) in n % 3 != 0 }
                KeyBy { (n: Int) in n % 5 }
                Aggregate.sum { (n: Int) in n }.uid("sum")
                Map { (sum: Keyed<Int, Int>) in "\(sum.key)=\(sum.value)" }
                Sink(.collect(into: results))
            }
        }
        return try Job.graph("split") { graph in
            let tag = SideOutput<Int>("odd")
            let split = graph.source(Source(Array(0..<count))).uid("numbers").process(SplitOdd(odd: tag)).uid("split")
            split.sideOutput(tag).sink(.collect(into: odds))
            split.partitionCustom("by tens") { value, instances in (value / 10) % instances }.map { "\($0)" }.parallelism(2).sink(.collect(into: results))
                .parallelism(2)
        }
    }

    /// The last value per key of "key=value" records.
    static func finalSums(_ records: [String]) -> [String: String] {
        var last: [String: String] = [:]
        for record in records {
            let parts = record.split(separator: "=")
            last[String(parts[0])] = String(parts[1])
        }
        return last
    }

    /// The sums by hand: a plain loop.
    static func expectedSums(count: Int) -> [String: String] {
        var sums: [Int: Int] = [:]
        for n in 0..<count where n % 3 != 0 { sums[n % 5, default: 0] += n }
        return Dictionary(uniqueKeysWithValues: sums.map { ("\($0.key)", "\($0.value)") })
    }

    @Test("A descriptor round-trips through JSON; its fingerprint ignores placement and tells jobs apart")
    func roundTrip() throws {
        let plan = try Self.job(into: CollectedRecords()).plan
        let descriptor = plan.descriptor
        let bytes = try descriptor.encoded()
        #expect(try PlanDescriptor.decoded(from: bytes) == descriptor)
        #expect(try descriptor.encoded() == bytes, "the same descriptor encodes to the same bytes")
        #expect(descriptor.fingerprint.count == 16)
        #expect(plan.placed(on: .dispatch).descriptor.fingerprint == descriptor.fingerprint)
        let other = try Self.job(into: CollectedRecords(), odds: CollectedRecords()).plan.descriptor
        #expect(other.fingerprint != descriptor.fingerprint)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"key\":\"transform:") && text.contains("Swift.Int"), "bodies are named by key and typed: \(text.prefix(300))")
    }

    @Test(
        "Bound to the registry of the same job built again, a descriptor runs identically; at another parallelism too",
        arguments: [BackendKind.sync, .dispatch, .actor])
    func bindsAndRuns(on kind: BackendKind) async throws {
        let direct = CollectedRecords<String>()
        try await Self.job(into: direct).run(on: kind.defaultBackend)
        var descriptor = try PlanDescriptor.decoded(from: try Self.job(into: CollectedRecords()).plan.descriptor.encoded())
        // As another process: the job built again, its own registry.
        let bound = CollectedRecords<String>()
        let registry = try #require(try Self.job(into: bound).plan.registry)
        _ = try await JobExecution(plan: try PhysicalPlan(descriptor, boundTo: registry), backend: kind.defaultBackend).run()
        #expect(bound.records == direct.records)
        #expect(Self.finalSums(bound.records) == Self.expectedSums(count: 5_000))

        // The coordinator rescaled the keyed task: the same sums from three instances.
        let keyed = try #require(descriptor.tasks.firstIndex { $0.stages.contains { $0.kind == "Aggregate" } })
        descriptor.tasks[keyed].parallelism = 3
        bound.removeAll()
        let rescaled = try PhysicalPlan(descriptor, boundTo: registry)
        #expect(rescaled.tasks[keyed].parallelism == 3)
        _ = try await JobExecution(plan: rescaled, backend: kind.defaultBackend).run()
        #expect(Self.finalSums(bound.records) == Self.expectedSums(count: 5_000))
    }

    @Test("A job with a side output and a custom partitioner binds and runs identically")
    func sideOutputsAndCustomPartitioners() async throws {
        let direct = CollectedRecords<String>()
        let directOdds = CollectedRecords<Int>()
        try await Self.job(into: direct, odds: directOdds).run(on: .dispatch)
        let descriptor = try PlanDescriptor.decoded(from: try Self.job(into: CollectedRecords(), odds: CollectedRecords()).plan.descriptor.encoded())
        let bound = CollectedRecords<String>()
        let boundOdds = CollectedRecords<Int>()
        let registry = try #require(try Self.job(into: bound, odds: boundOdds).plan.registry)
        _ = try await JobExecution(plan: try PhysicalPlan(descriptor, boundTo: registry), backend: BackendKind.dispatch.defaultBackend).run()
        #expect(boundOdds.records == directOdds.records && boundOdds.records == Array(stride(from: 1, to: 5_000, by: 2)))
        #expect(bound.records.sorted() == direct.records.sorted() && bound.records.count == 2_500)
        for subtask in 0..<2 {
            #expect(bound.records(ofSubtask: subtask) == direct.records(ofSubtask: subtask), "instance \(subtask) got the same records in the same order")
        }
    }

    @Test("A descriptor of another job is refused, naming the first difference")
    func otherJobsAreRefused() throws {
        let descriptor = try Self.job(into: CollectedRecords()).plan.descriptor
        let withMap = try Job("sums") {
            Source(Array(0..<5_000)).uid("numbers")
            Filter { (n: Int) in n % 3 != 0 }
            Map { (n: Int) in n }.name("added")
            KeyBy { (n: Int) in n % 5 }
            Aggregate.sum { (n: Int) in n }.uid("sum")
            Map { (sum: Keyed<Int, Int>) in "\(sum.key)=\(sum.value)" }
            Sink(.collect(into: CollectedRecords<String>()))
        }
        #expect { try PhysicalPlan(descriptor, boundTo: withMap.plan.registry!) } throws: { error in
            let error = error as? FlowError
            return error?.code == .invalidGraph && error?.stageName == "added" && error?.message.contains("that the plan does not") == true
        }
        let asStrings = try Job("sums") {
            Source((0..<5_000).map { "\($0)" }).uid("numbers")
            Filter { (n: String) in n.count > 0 }
            KeyBy { (n: String) in n.count }
            Aggregate(.count).uid("sum")
            Map { (count: Keyed<Int, Int>) in "\(count.key)=\(count.value)" }
            Sink(.collect(into: CollectedRecords<String>()))
        }
        #expect { try PhysicalPlan(descriptor, boundTo: asStrings.plan.registry!) } throws: { error in
            let message = (error as? FlowError)?.message ?? ""
            return message.contains("in the plan but") && message.contains("Swift.String")
        }
    }

    @Test("Bytes that are not a descriptor, one of another version, or one whose shape no longer matches its fingerprint are refused as malformed data")
    func badBytesAreRefused() throws {
        var edited = try Self.job(into: CollectedRecords()).plan.descriptor
        edited.tasks[0].stages[0].kind = "Map"
        let editedBytes = try edited.encoded()
        #expect { _ = try PlanDescriptor.decoded(from: editedBytes) } throws: { error in
            (error as? FlowError)?.code == .malformedData && (error as? FlowError)?.message.contains("fingerprint") == true
        }
        #expect { _ = try PlanDescriptor.decoded(from: Array("{\"tasks\": 3}".utf8)) } throws: { ($0 as? FlowError)?.code == .malformedData }
        var descriptor = try Self.job(into: CollectedRecords()).plan.descriptor
        descriptor.version = PlanDescriptor.formatVersion + 1
        let future = try descriptor.encoded()
        #expect { _ = try PlanDescriptor.decoded(from: future) } throws: { error in
            (error as? FlowError)?.code == .malformedData
                && (error as? FlowError)?.message.contains("format version \(PlanDescriptor.formatVersion + 1)") == true
        }
    }

    // MARK: Across processes

    /// The built PlanWorker example, beside the test bundle.
    static var worker: URL? { builtExecutable("PlanWorker") }

    /// Runs the worker with `arguments` and `input` on standard input; its status, output and errors.
    static func runWorker(_ arguments: [String], input: [UInt8] = []) async throws -> (status: Int32, output: String, errors: String) {
        let worker = try #require(worker, "cannot find the PlanWorker example next to \(CommandLine.arguments[0])")
        return try await onThreadOfItsOwn { try runBlocking(worker, arguments, input: input) }
    }

    private static func runBlocking(_ worker: URL, _ arguments: [String], input: [UInt8]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = worker
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    @Test("One process describes its plan; another, running the same binary, runs it at the parallelism the descriptor sets")
    func acrossProcesses() async throws {
        let described = try await Self.runWorker(["describe"])
        #expect(described.status == 0, "\(described.errors)")
        var descriptor = try PlanDescriptor.decoded(from: Array(described.output.utf8))
        let keyed = try #require(descriptor.tasks.firstIndex { $0.stages.contains { $0.kind == "Aggregate" } })
        descriptor.tasks[keyed].parallelism = 3
        let ran = try await Self.runWorker(["run"], input: try descriptor.encoded())
        #expect(ran.status == 0, "\(ran.errors)")
        // The sums by hand, of the worker's job: 0..<10,000 without the multiples of 3, by n mod 5.
        var sums: [Int64: Int64] = [:]
        for n in Int64(0)..<10_000 where n % 3 != 0 { sums[n % 5, default: 0] += n }
        let expected = sums.keys.sorted().map { "\($0)=\(sums[$0]!)" } + ["tasks 1 3"]
        #expect(ran.output.split(separator: "\n").map(String.init) == expected)
    }

    @Test(
        "A worker whose job differs refuses the plan, naming the first difference",
        arguments: [
            ("extra-map", "the job here has stage 'Map'"),
            ("as-doubles", "a stage's record type changed"),
        ])
    func workersRefuseOtherJobs(_ case_: (job: String, message: String)) async throws {
        let described = try await Self.runWorker(["describe"])
        let ran = try await Self.runWorker(["run", "--job", case_.job], input: Array(described.output.utf8))
        #expect(ran.status == 1)
        #expect(ran.errors.contains(case_.message), "\(ran.errors)")
    }
}
