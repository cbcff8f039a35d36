import FlowCore
import Flow
import Synchronization
import Testing

/// Busy-waits `duration`: a record that costs CPU time, not a suspension.
@inline(never)
func spin(for duration: Duration) {
    let deadline = ContinuousClock.now + duration
    while ContinuousClock.now < deadline {}
}

/// When the first record was made, and when one first reached the sink.
final class FirstArrival: Sendable {
    private let made = FlowMutex<ContinuousClock.Instant?>(nil)
    private let arrived = FlowMutex<ContinuousClock.Instant?>(nil)

    func noteMade() { made.withLock { if $0 == nil { $0 = .now } } }
    func noteArrived() { arrived.withLock { if $0 == nil { $0 = .now } } }

    /// From the first record's making to the first arrival at the sink.
    var latency: Duration? {
        guard let made = made.withLock({ $0 }), let arrived = arrived.withLock({ $0 }) else { return nil }
        return arrived - made
    }
}

private struct ArrivalWriter: SinkWriter {
    let arrival: FirstArrival
    let written: SharedCount

    mutating func write(_ batch: inout Batch<Int>) async throws {
        arrival.noteArrived()
        written.add(batch.count)
        batch.removeAll(keepingCapacity: true)
    }
}

extension PoolTimingTests {
    @Suite("Slow records leave within the flush timeout", .timeLimit(.minutes(2)))
    struct SlowRecordTests {
        /// Where the 1 ms of work per record is done.
        enum Where: String, CaseIterable, CustomTestStringConvertible {
            /// In the source's own function (a generator).
            case source
            /// In a Map fused with the source.
            case fusedMap
            /// In a Map in a task of its own, after an exchange.
            case mapTask
            var testDescription: String { rawValue }
        }

        static let records = 300
        static let flushTimeout = Duration.milliseconds(10)

        @Test(
            "The first record of a 1 ms-per-record stage reaches the sink within a few flush timeouts, not after a batch",
            arguments: Where.allCases, [BackendKind.sync, .dispatch, .actor])
        func firstRecordLeaves(where stage: Where, backend: BackendKind) async throws {
            let arrival = FirstArrival()
            let written = SharedCount()
            let configuration = ExecutionConfiguration(flushTimeout: Self.flushTimeout)
            let count = Int64(Self.records)
            // Each record is noted when made; `slow` is the stage costing 1 ms per record.
            let make = { @Sendable (n: Int64) -> Int in
                arrival.noteMade()
                return Int(n)
            }
            let slow = { @Sendable (n: Int) -> Int in
                spin(for: .milliseconds(1))
                return n
            }
            let sink = Sink(WriterSink { ArrivalWriter(arrival: arrival, written: written) })
            let job: Job
            switch stage {
            case .source:
                job = try Job("slow-source", configuration: configuration) {
                    Source.generator(count: count) { slow(make($0)) }
                    sink.disableChaining()
                }
            case .fusedMap:
                job = try Job("slow-fused-map", configuration: configuration) {
                    Source.generator(count: count, make)
                    Map(slow)
                    sink.disableChaining()
                }
            case .mapTask:
                job = try Job("slow-map-task", configuration: configuration) {
                    Source.generator(count: count, make)
                    Map(slow).disableChaining()
                    sink
                }
            }
            _ = try await execution(of: job, on: backend).run()
            #expect(written.count == Self.records)
            let latency = try #require(arrival.latency)
            print("slow records, \(stage.rawValue) on \(backend): first record at the sink after \(latency)")
            // A batch of 300 records at 1 ms each would take 300 ms; the pacer keeps a step within
            // half the flush timeout and the router sends a partial batch once it is that old, so
            // about 1–2 flush timeouts pass (the bound leaves room for a loaded machine).
            #expect(latency < Self.flushTimeout * 8, "the first record reached the sink after \(latency)")
        }
    }
}
