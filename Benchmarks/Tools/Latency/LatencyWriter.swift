import Flow
import Histogram
import Synchronization

/// What the latency sink saw over a run.
struct LatencyReport: Sendable {
    /// `now − created` of every output record past the warm-up, in nanoseconds.
    var endToEnd = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    /// `now − scheduled`, where record n was due at `created(0) + n / rate`: includes how far
    /// the source fell behind its schedule (diagnostic).
    var fromSchedule = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    /// Records that reached the sink, warm-up included.
    var records = 0
    /// `created` of record 0 and of the newest record seen, for the achieved rate.
    var firstCreated: Int64 = -1
    var lastCreated: Int64 = 0
    var lastSequence: Int64 = 0
    /// Every key's last running sum.
    var sums = [Int64](repeating: 0, count: Workload.keyCount)
    /// Batches the sink received, and records in them (their mean size).
    var batches = 0
}

/// Where the sink leaves its report at end of input.
///
/// ## Concurrency
/// Written once by the sink's task in `finish()`, read after `run()` returns; guarded by a `Mutex`.
final class ReportBox: Sendable {
    private let state = Mutex(LatencyReport())
    func store(_ report: LatencyReport) { state.withLock { $0 = report } }
    var report: LatencyReport { state.withLock { $0 } }
}

/// The sink: for every record, `now − created` into an HdrHistogram (after the warm-up records),
/// and the record's value as its key's running sum (checked against the oracle afterwards).
///
/// ## Concurrency
/// One instance (parallelism 1), confined to its task.
struct LatencyWriter: SinkWriter {
    typealias Input = Stamped

    let box: ReportBox
    /// Records with a smaller number are not measured (the first second at the run's rate).
    let warmUpRecords: Int64
    /// Nanoseconds between records at the configured rate.
    let interval: Double
    var report = LatencyReport()

    /// - Complexity: O(batch.count); one clock read and two histogram updates per record.
    mutating func write(_ batch: inout Batch<Stamped>) async throws {
        report.batches += 1
        batch.withUnsafeBuffers { records, _ in
            for record in records {
                let now = nanosSinceOrigin()
                if record.sequence == 0 { report.firstCreated = record.created }
                if record.sequence >= warmUpRecords && report.firstCreated >= 0 {
                    _ = report.endToEnd.record(UInt64(Swift.max(1, now - record.created)))
                    let scheduled = report.firstCreated + Int64(Double(record.sequence) * interval)
                    _ = report.fromSchedule.record(UInt64(Swift.max(1, now - scheduled)))
                }
                report.sums[Int(record.key)] = record.value
                report.lastCreated = Swift.max(report.lastCreated, record.created)
                report.lastSequence = Swift.max(report.lastSequence, record.sequence)
            }
            report.records += records.count
        }
        batch.removeAll(keepingCapacity: true)
    }

    mutating func finish() async throws {
        box.store(report)
    }
}
