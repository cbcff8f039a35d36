import Flow
import Synchronization
import Testing

// The examples of Docs/Guides/WritingJobs.md, as written there, checked against what the guide
// says they do (its failure example is FailureTests.throwingMap's job, which checks the description
// the guide shows).

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
}
