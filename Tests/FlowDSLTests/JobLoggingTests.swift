import Flow
import FlowTesting
import Logging
import Synchronization
import Testing

/// What a logger was given, in order.
final class LogStore: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let entries = Mutex<[Entry]>([])  // protected by its own lock

    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
    var all: [Entry] { entries.withLock { $0 } }

    /// A logger at `level` that stores here.
    func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "test") { _ in CapturingHandler(store: self) }
        logger.logLevel = level
        return logger
    }
}

/// A swift-log handler that stores every event.
struct CapturingHandler: LogHandler {
    let store: LogStore
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        store.append(LogStore.Entry(level: event.level, message: event.message.description, metadata: merged.mapValues { "\($0)" }))
    }
}

/// A run logs its start, plan, warnings and end to the logger it is given, and a graceful stop
/// drains the job.
@Suite struct JobLoggingTests {
    @Test("A run logs its start, its plan, the plan's warnings and its end with the records the sources made and the sinks took")
    func logsLifecycle() async throws {
        let store = LogStore()
        let results = CollectedRecords<Keyed<Int, Int>>()
        let job = try Job("logged") {
            Source(Array(0..<1000)).name("numbers")
            KeyBy { (x: Int) in x % 7 }
            Aggregate.sum { (x: Int) in x }.name("sum")
            Sink(.collect(into: results))
        }
        try await job.run(on: .dispatch, logger: store.logger())
        let entries = store.all
        let started = try #require(entries.first { $0.message == "job started" })
        #expect(started.level == .info && started.metadata["job"] == "logged" && started.metadata["backend"] == "dispatch")
        #expect(started.metadata["tasks"] == "\(job.plan.tasks.count)")
        #expect(entries.contains { $0.level == .debug && $0.message.hasPrefix("plan\n") && $0.message.contains("Aggregate 'sum'") })
        let warning = try #require(entries.first { $0.level == .warning })
        #expect(warning.metadata["stage"] == "sum" && warning.message.contains(".uid("))
        let finished = try #require(entries.last)
        #expect(finished.message == "job finished" && finished.level == .info)
        #expect(finished.metadata["sourceRecords"] == "1000" && finished.metadata["sinkRecords"] == "1000" && finished.metadata["stopped"] == "false")
    }

    @Test("A failed run logs an error naming the code, the stage and the subtask")
    func logsFailure() async throws {
        let store = LogStore()
        let job = try Job("failing") {
            Source([1, 2, 3])
            Map { (x: Int) throws -> Int in
                if x == 2 { throw CancellationError() }; return x
            }.name("picky")
            Sink(.discard)
        }
        await #expect(throws: FlowError.self) { try await job.run(on: .sync, logger: store.logger(level: .info)) }
        let failure = try #require(store.all.last)
        #expect(failure.level == .error && failure.message.hasPrefix("job failed"))
        #expect(failure.metadata["code"] == "userFunctionFailed" && failure.metadata["stage"] == "picky" && failure.metadata["subtask"] == "0")
        #expect(!store.all.contains { $0.level == .debug }, "a logger at info level gets no plan")
    }

    @Test("stop() drains a live job: it returns its result, and the sink got every record the source made", arguments: [BackendKind.sync, .dispatch, .actor])
    func stopDrains(on kind: BackendKind) async throws {
        let store = LogStore()
        let results = CollectedRecords<Int64>()
        let job = try Job("live") {
            Source.generator(count: nil, recordsPerSecond: 20_000) { $0 }.uid("numbers")
            Map { (n: Int64) in n * 2 }.disableChaining()
            Sink(.collect(into: results))
        }
        let handle = job.start(on: kind.defaultBackend, logger: store.logger(level: .info))
        let flowing = try await eventually(within: .seconds(10)) { results.records.count >= 500 }
        #expect(flowing)
        handle.stop()
        let result = try await handle.result
        let made = try #require(result.metrics.stages.first { $0.uid == "numbers" }?.recordsOut)
        #expect(made >= 500)
        #expect(results.records == (0..<Int64(made)).map { $0 * 2 }, "every record the source made, once, in order")
        #expect(store.all.contains { $0.level == .notice && $0.message.contains("stopping the job") })
        #expect(store.all.last?.metadata["stopped"] == "true")
    }
}
