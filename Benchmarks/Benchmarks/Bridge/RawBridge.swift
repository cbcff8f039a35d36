#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Flow

/// What one raw run measured besides its outcome.
struct RawRun: Sendable {
    /// What the consumer saw.
    var outcome: Outcome
    /// Times the producer found the bridge full (``RingBridge/creditWaits``).
    var creditWaits: Int
    /// Times a parked producer / consumer thread was woken (``TaskSignal/wakeUps``).
    var producerWakeUps: Int
    var consumerWakeUps: Int
}

/// One `RingBridge<Reading>` between two threads of their own, driven exactly as the dispatch
/// backend drives a bridge: the sender waits on its `TaskSignal` while the bridge has no credit,
/// the receiver waits on its signal while the bridge is empty.
///
/// The producer fills batches of `batchSize` records, taking each batch from
/// `reusableBatch()` when the consumer has recycled one (allocating only while none has come
/// back yet), and ends with `endOfInput`. The consumer sums `value` over every batch, empties
/// the batch and recycles it.
///
/// - Complexity: O(batches · batchSize); allocations: at most `slots` + 1 batches per run,
///   plus the bridge, the signals and the two threads.
func rawBridgeRun(batches: Int, batchSize: Int, slots: Int) -> RawRun {
    let senderSignal = TaskSignal()
    let receiverSignal = TaskSignal()
    let bridge = RingBridge<Reading>(slots: slots, sender: senderSignal, receiver: receiverSignal)
    let result = ResultSlot()

    let consumer = JoinableThread {
        var count = 0
        var checksum: Int64 = 0
        while true {
            guard let element = bridge.receive() else {
                receiverSignal.wait()
                continue
            }
            // `consume`: the batch must be the only reference to its storage, or emptying it
            // below would allocate a fresh one (copy-on-write) for every batch.
            switch consume element {
            case .batch(var batch):
                checksum &+= batch.withUnsafeBuffers { records, _ in
                    var sum: Int64 = 0
                    for record in records { sum &+= record.value }
                    return sum
                }
                count &+= batch.count
                batch.removeAll(keepingCapacity: true)
                bridge.recycle(batch)
            case .control(.endOfInput):
                result.outcome = Outcome(count: count, checksum: checksum)
                return
            case .control:
                continue
            }
        }
    }
    let producer = JoinableThread {
        var seq: Int64 = 0
        for _ in 0..<batches {
            var batch = bridge.reusableBatch() ?? Batch(capacity: batchSize)
            batch.withAppender(reservingCapacity: batchSize) { appender in
                for _ in 0..<batchSize {
                    appender.append(Reading(seq))
                    seq &+= 1
                }
            }
            while !bridge.hasCredit { senderSignal.wait() }
            bridge.send(.batch(batch))
        }
        while !bridge.hasCredit { senderSignal.wait() }
        bridge.send(.control(.endOfInput))
    }
    producer.join()
    consumer.join()
    return RawRun(outcome: result.outcome, creditWaits: bridge.creditWaits,
                  producerWakeUps: senderSignal.wakeUps, consumerWakeUps: receiverSignal.wakeUps)
}

/// Where the consumer thread leaves its outcome.
///
/// ## Concurrency
/// Written once by the consumer thread before it ends; read after `pthread_join`, which orders
/// the write before the read. `@unchecked Sendable` for that hand-over.
final class ResultSlot: @unchecked Sendable {
    var outcome = Outcome(count: 0, checksum: 0)
}

/// A pthread running one closure, joined explicitly.
///
/// ## Concurrency
/// Created and joined by one thread; the closure runs on the new thread.
final class JoinableThread {
    private var thread: pthread_t?

    init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, { argument in
            Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue().run()
            return nil
        }, box)
        precondition(status == 0, "pthread_create failed with \(status)")
        thread = handle
    }

    /// Waits for the thread to end.
    func join() {
        guard let thread else { return }
        pthread_join(thread, nil)
        self.thread = nil
    }

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}

/// The producer's and the consumer's work on one thread, with no bridge between them: what a
/// batch costs without a hand-off (diagnostic). One batch is filled, summed and emptied again.
///
/// - Complexity: O(batches · batchSize); one allocation.
func sameThreadRun(batches: Int, batchSize: Int) -> Outcome {
    var batch = Batch<Reading>(capacity: batchSize)
    var seq: Int64 = 0
    var count = 0
    var checksum: Int64 = 0
    for _ in 0..<batches {
        batch.withAppender(reservingCapacity: batchSize) { appender in
            for _ in 0..<batchSize {
                appender.append(Reading(seq))
                seq &+= 1
            }
        }
        checksum &+= batch.withUnsafeBuffers { records, _ in
            var sum: Int64 = 0
            for record in records { sum &+= record.value }
            return sum
        }
        count &+= batch.count
        batch.removeAll(keepingCapacity: true)
    }
    return Outcome(count: count, checksum: checksum)
}
