// A worker that runs a plan it receives, as a TaskManager does: every process runs the same
// binary, so each builds the job's code itself (its registry), and binds the plan's descriptor,
// which names that code, to it. See README.md here.
//
//   PlanWorker describe [--job NAME]        the job's plan descriptor, as JSON, on standard output
//   PlanWorker run [--job NAME] < plan.json runs the descriptor on standard input with this
//                                           process's code; prints the final sum per key
import Flow
import Foundation

/// The job, as this binary builds it. `sums` is the job; the others are changed versions of it, to
/// show what a worker refuses: a stage added (`extra-map`), a record type changed (`as-doubles`).
func makeJob(_ name: String, into results: CollectedRecords<String>) throws -> Job {
    switch name {
    case "sums":
        return try Job("sums") {
            Source.generator(count: 10_000) { (n: Int64) in n }.uid("numbers")
            Filter { (n: Int64) in n % 3 != 0 }
            KeyBy { (n: Int64) in n % 5 }
            Aggregate.sum { (n: Int64) in n }.uid("sum")
            Map { (sum: Keyed<Int64, Int64>) in "\(sum.key)=\(sum.value)" }
            Sink(.collect(into: results))
        }
    case "extra-map":
        return try Job("sums") {
            Source.generator(count: 10_000) { (n: Int64) in n }.uid("numbers")
            Filter { (n: Int64) in n % 3 != 0 }
            Map { (n: Int64) in n }
            KeyBy { (n: Int64) in n % 5 }
            Aggregate.sum { (n: Int64) in n }.uid("sum")
            Map { (sum: Keyed<Int64, Int64>) in "\(sum.key)=\(sum.value)" }
            Sink(.collect(into: results))
        }
    case "as-doubles":
        return try Job("sums") {
            Source.generator(count: 10_000) { (n: Int64) in Double(n) }.uid("numbers")
            Filter { (n: Double) in n.truncatingRemainder(dividingBy: 3) != 0 }
            KeyBy { (n: Double) in Int64(n) % 5 }
            Aggregate.sum { (n: Double) in n }.uid("sum")
            Map { (sum: Keyed<Int64, Double>) in "\(sum.key)=\(sum.value)" }
            Sink(.collect(into: results))
        }
    default:
        throw FlowError(.invalidConfiguration, "no job named '\(name)' (sums, extra-map, as-doubles)")
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("PlanWorker: \(message)\n".utf8))
    exit(1)
}

let arguments = Array(CommandLine.arguments.dropFirst())
let command = arguments.first ?? ""
let jobName = arguments.firstIndex(of: "--job").map { arguments.index(after: $0) }.flatMap { arguments.indices.contains($0) ? arguments[$0] : nil } ?? "sums"
let results = CollectedRecords<String>()
do {
    let job = try makeJob(jobName, into: results)
    switch command {
    case "describe":
        let bytes = try job.plan.descriptor.encoded()
        print(String(decoding: bytes, as: UTF8.self))
    case "run":
        var input: [UInt8] = []
        while let line = readLine(strippingNewline: false) { input += Array(line.utf8) }
        let descriptor = try PlanDescriptor.decoded(from: input)
        guard let registry = job.plan.registry else { fail("the job has no registry") }
        let plan = try PhysicalPlan(descriptor, boundTo: registry)
        _ = try await JobExecution(plan: plan).run()
        // The last sum per key, sorted by key.
        var last: [String: String] = [:]
        for record in results.records {
            let parts = record.split(separator: "=")
            last[String(parts[0])] = String(parts[1])
        }
        for key in last.keys.sorted() { print("\(key)=\(last[key]!)") }
        print("tasks \(plan.tasks.map { "\($0.parallelism)" }.joined(separator: " "))")
    default:
        fail("usage: PlanWorker describe|run [--job sums|extra-map|as-doubles]")
    }
} catch let error as FlowError {
    fail("\(error.message)")
}
