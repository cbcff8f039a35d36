import Flow
import FlowCore
import Synchronization
import Testing

/// Counts batches a sink received that shared their storage with someone else.
private final class SharingCount: Sendable {
    private let counts = FlowMutex<(batches: Int, shared: Int, records: Int)>((0, 0, 0))  // seen by ThreadSanitizer
    func note(shared: Bool, records: Int) {
        counts.withLock {
            $0.batches += 1
            $0.records += records
            if shared { $0.shared += 1 }
        }
    }
    var value: (batches: Int, shared: Int, records: Int) { counts.withLock { $0 } }
}

/// Empties each batch in place: if the storage moves, another reference to it was alive.
private struct OwnershipWriter: SinkWriter {
    let count: SharingCount
    mutating func write(_ batch: inout Batch<Int64>) async throws {
        let records = batch.count
        let before = batch.withUnsafeBuffers { records, _ in records.baseAddress }
        batch.removeAll(keepingCapacity: true)
        let after = batch.withUnsafeBuffers { records, _ in records.baseAddress }
        count.note(shared: before != after, records: records)
    }
}

@Suite("Batch ownership across bridges")
struct BatchOwnershipTests {
    @Test(
        "a batch arrives over a bridge as the only reference to its storage (no copy when the receiver writes to it)",
        arguments: [BackendKind.dispatch, .actor])
    func receivedBatchIsUnique(kind: BackendKind) async throws {
        for parallelism in [1, 2] {
            let count = SharingCount()
            let records: Int64 = 400_000
            let job = try Job("ownership", configuration: ExecutionConfiguration(batchSize: 256)) {
                Source.generator(count: records) { (n: Int64) in n }.parallelism(parallelism)
                KeyBy { (n: Int64) in n % 97 }
                Sink(WriterSink { OwnershipWriter(count: count) }).parallelism(parallelism)
            }
            try await job.run(on: kind.defaultBackend)
            let seen = count.value
            #expect(seen.records == Int(records), "\(kind), parallelism \(parallelism)")
            #expect(seen.batches >= Int(records) / 256, "\(kind), parallelism \(parallelism)")
            #expect(seen.shared == 0, "\(kind), parallelism \(parallelism): \(seen.shared) of \(seen.batches) batches were shared")
        }
    }
}
