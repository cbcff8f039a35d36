import Flow
import Synchronization
import Testing

// The examples of Docs/Guides/WritingJobs.md, as written there, checked against what the guide
// says they do.

// `Reading` (sensor, value) is the test records' (TestRecords.swift), as the guide's.

private struct CSVLines: SinkWriter {
    let deliver: @Sendable ([String]) -> Void
    var lines: [String] = []
    mutating func writeImmediately(_ batch: inout Batch<Reading>) throws -> Bool {
        batch.withUnsafeBuffers { records, timestamps in
            for index in records.indices {
                lines.append("\(timestamps[index].milliseconds),\(records[index].sensor),\(records[index].value)")
            }
        }
        batch.removeAll(keepingCapacity: true)  // consumed
        return true
    }
    mutating func write(_ batch: inout Batch<Reading>) async throws { _ = try writeImmediately(&batch) }
    mutating func finish() async throws { deliver(lines) }
}

private struct Boom: Error, CustomStringConvertible {
    var value: Int
    var description: String { "boom at \(value)" }
}

@Suite struct WritingJobsGuideTests {
    @Test("Sinks: a custom writer reads each record with its event time from the batch's two columns")
    func csvSink() async throws {
        let delivered = Mutex<[String]>([])
        let job = try Job("csv") {
            Source((0..<5).map { Reading(sensor: $0 % 2, value: $0 * 10) })
            AssignTimestamps { (reading: Reading) in EventTime(milliseconds: Int64(1_000 + reading.value)) }
            Sink(WriterSink(kind: "CSV") { CSVLines { lines in delivered.withLock { $0 += lines } } })
        }
        try await job.run()
        #expect(delivered.withLock { $0 } == ["1000,0,0", "1010,1,10", "1020,0,20", "1030,1,30", "1040,0,40"])
    }

    @Test("Errors: the failure example fails as the guide says, with the description it shows")
    func failureExample() async throws {
        let job = try Job("fails") {
            Source(Array(0..<5000))
            Map { (x: Int) in x + 1 }.name("inc")
            Map { (x: Int) throws -> Int in
                if x == 3001 { throw Boom(value: x) }; return x
            }.name("picky").uid("picky-1")
            Filter { (x: Int) in x > 0 }
            Sink(.discard)
        }
        do {
            try await job.run()
            Issue.record("the job did not fail")
        } catch let error as FlowError {
            #expect(error.stageName == "picky" && error.stageID == "picky-1" && error.recordPosition == 3000 && error.record == "3001")
            #expect((error.underlying as? Boom)?.value == 3001)
            #expect(error.description == Self.guideDescription, "the guide shows another description than the error has: \(error.description)")
        }
    }

    /// The description Docs/Guides/WritingJobs.md ("Errors") shows for the failure example.
    static let guideDescription =
        "userFunctionFailed: stage 'picky' (uid picky-1) subtask 0: Map function threw on record #3000 made by the source 'Source' (fused with it) [input record #3000: 3001] — caused by: boom at 3001"
}
