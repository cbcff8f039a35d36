import FlowCore
import FlowRuntime
import Foundation
import Testing

/// What a received element was, in a comparable form.
private enum Received: Equatable {
    case batch([Int], [EventTime])
    case control(ControlElement)

    init(_ element: StreamElement<Int>) {
        switch element {
        case .batch(let batch): self = .batch(Array(batch.records), Array(batch.timestamps))
        case .control(let control): self = .control(control)
        }
    }
}

@Suite struct RingBridgeTests {
    @Test("batches and control elements come out in the order they went in")
    func fifo() {
        let channel = makeBridge(slots: 8)
        let watermark = ControlElement.watermark(Watermark(EventTime(milliseconds: 10)))
        let barrier = ControlElement.barrier(CheckpointBarrier(checkpointID: 1, triggeredAt: 0))
        let elements: [StreamElement<Int>] = [
            .batch(Batch([1, 2], timestamp: EventTime(milliseconds: 1))),
            .control(watermark),
            .batch(Batch([3], timestamp: EventTime(milliseconds: 2))),
            .control(barrier),
            .batch(Batch([4, 5, 6])),
            .control(.endOfInput),
        ]
        for element in elements { channel.send(element) }
        #expect(channel.depth == elements.count)
        #expect(channel.elementsSent == elements.count)
        #expect(channel.recordsSent == 6)
        #expect(channel.maxDepth == elements.count)
        var received: [Received] = []
        while let element = channel.receive() { received.append(Received(element)) }
        #expect(received == elements.map(Received.init))
        #expect(channel.depth == 0)
        #expect(channel.receive() == nil)
    }

    @Test("FIFO holds when sends and receives interleave")
    func interleavedFIFO() {
        let channel = makeBridge(slots: 2)
        var next = 0
        var received: [Int] = []
        for round in 0..<20 {
            while channel.hasCredit {
                channel.send(.batch(Batch([next])))
                next += 1
            }
            if round.isMultiple(of: 3) { continue }
            if case .batch(let batch)? = channel.receive() { received.append(contentsOf: batch.records) }
        }
        while case .batch(let batch)? = channel.receive() { received.append(contentsOf: batch.records) }
        #expect(received == Array(0..<next))
        #expect(next > 2)
    }

    @Test("hasCredit is false after `slots` sends and true again after a receive", arguments: [1, 2, 4])
    func credits(slots: Int) {
        let channel = makeBridge(slots: slots)
        for _ in 0..<slots {
            #expect(channel.hasCredit)
            channel.send(.control(.endOfInput))
        }
        #expect(!channel.hasCredit)
        #expect(channel.depth == slots)
        #expect(channel.receive() != nil)
        #expect(channel.hasCredit)
        channel.send(.control(.endOfInput))
        #expect(!channel.hasCredit)
    }

    @Test("creditWaits counts each time the sender ran out of credit, not each check")
    func creditWaits() {
        let channel = makeBridge(slots: 1)
        #expect(channel.hasCredit)
        #expect(channel.creditWaits == 0)
        channel.send(.batch(Batch([1])))
        #expect(!channel.hasCredit)
        #expect(!channel.hasCredit)
        #expect(!channel.hasCredit)
        #expect(channel.creditWaits == 1)
        _ = channel.receive()
        #expect(channel.hasCredit)
        channel.send(.batch(Batch([2])))
        #expect(!channel.hasCredit)
        #expect(channel.creditWaits == 2)
    }

    @Test("a recycled batch comes back from reusableBatch emptied, with its capacity")
    func recycle() {
        let channel = makeBridge(slots: 2)
        #expect(channel.reusableBatch() == nil)
        var batch = Batch<Int>(capacity: 128)
        for value in 0..<100 { batch.append(value) }
        channel.send(.batch(batch))
        guard case .batch(var received)? = channel.receive() else {
            Issue.record("expected a batch")
            return
        }
        let capacity = received.capacity
        received.removeAll(keepingCapacity: true)
        channel.recycle(received)
        let reused = channel.reusableBatch()
        #expect(reused?.isEmpty == true)
        #expect(reused?.capacity == capacity)
        #expect((reused?.capacity ?? 0) >= 100)
        #expect(channel.reusableBatch() == nil)
    }

    @Test("at most 2 × slots + 2 recycled batches are kept", arguments: [1, 3])
    func recycleBound(slots: Int) {
        let channel = makeBridge(slots: slots)
        #expect(channel.freeSlots == 2 * slots + 2)
        for _ in 0..<(2 * slots + 5) { channel.recycle(Batch<Int>(capacity: 16)) }
        var reused = 0
        while let batch = channel.reusableBatch() {
            #expect(batch.isEmpty)
            #expect(batch.capacity >= 16)
            reused += 1
        }
        #expect(reused == 2 * slots + 2)
    }

    @Test("A slot count above 4096 is a precondition failure naming it")
    func tooManySlotsTrap() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = makeBridge(slots: .max)
        }
        let output = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(
            output.contains("RingBridge: slots must be in 1...4096 (ExecutionConfiguration.channelCreditsRange), got \(Int.max)"),
            "stderr was: \(output)")
    }

    @Test("A slot count of 0 is a precondition failure")
    func noSlotsTrap() async {
        await #expect(processExitsWith: .failure) {
            _ = makeBridge(slots: 0)
        }
    }

    @Test("The largest slot count makes a working bridge")
    func largestSlots() {
        let channel = makeBridge(slots: 4096)
        for _ in 0..<4096 { channel.send(.control(.endOfInput)) }
        #expect(!channel.hasCredit)
        #expect(channel.freeSlots == 2 * 4096 + 2)
    }

    @Test("sending without credit is a precondition failure")
    func sendWithoutCreditTraps() async {
        await #expect(processExitsWith: .failure) {
            let channel = makeBridge(slots: 1)
            channel.send(.control(.endOfInput))
            channel.send(.control(.endOfInput))
        }
    }

    @Test("Bytes in flight follow what is sent and received; the most seen stays within slots × the largest element")
    func byteGauges() {
        let bridge = RingBridge<Int>(slots: 3, sender: TaskSignal(), receiver: TaskSignal())
        #expect(bridge.bytesInFlight == 0 && bridge.maxBytesInFlight == 0)
        bridge.send(.batch(Batch([1])), bytes: 100)
        bridge.send(.control(.watermark(Watermark(EventTime(milliseconds: 1)))))
        bridge.send(.batch(Batch([2])), bytes: 250)
        #expect(bridge.bytesSent == 350 && bridge.bytesInFlight == 350 && bridge.maxBytesInFlight == 350)
        _ = bridge.receive()
        #expect(bridge.bytesInFlight == 250)
        _ = bridge.receive()
        #expect(bridge.bytesInFlight == 250, "a control element carries no bytes")
        #expect(bridge.hasCredit)
        bridge.send(.batch(Batch([3])), bytes: 40)
        #expect(bridge.bytesInFlight == 290 && bridge.maxBytesInFlight == 350)
        _ = bridge.receive()
        _ = bridge.receive()
        #expect(bridge.bytesInFlight == 0 && bridge.bytesSent == 390 && bridge.maxBytesInFlight == 350)
    }
}

private func makeBridge(slots: Int) -> RingBridge<Int> {
    RingBridge<Int>(slots: slots, sender: TaskSignal(), receiver: TaskSignal())
}

@Suite(.timeLimit(.minutes(1))) struct RingBridgeThreadTests {
    @Test("sending notifies the receiver's signal; receiving notifies the sender's only after it ran out of credit")
    func notifications() {
        let sender = TaskSignal()
        let receiver = TaskSignal()
        let bridge = RingBridge<Int>(slots: 2, sender: sender, receiver: receiver)
        let clock = ContinuousClock()
        bridge.send(.batch(Batch([1])))
        // The receiver's wait returns at once: the send left a permit.
        #expect(clock.measure { receiver.wait(until: .now + .seconds(10)) } < .seconds(5))
        #expect(bridge.receive() != nil)
        // The sender never lacked credit, so the receive left it no permit: its wait times out.
        #expect(clock.measure { sender.wait(until: .now + .milliseconds(30)) } >= .milliseconds(30))

        bridge.send(.batch(Batch([2])))
        bridge.send(.batch(Batch([3])))
        #expect(!bridge.hasCredit)  // announces that the sender waits for credit
        #expect(bridge.receive() != nil)
        #expect(clock.measure { sender.wait(until: .now + .seconds(10)) } < .seconds(5))
        #expect(bridge.hasCredit)
        // The announcement was taken: the next receive, with credit to spare, notifies nobody.
        #expect(bridge.receive() != nil)
        #expect(clock.measure { sender.wait(until: .now + .milliseconds(30)) } >= .milliseconds(30))
        #expect(sender.wakeUps == 0 && receiver.wakeUps == 0)
    }

    @Test("two threads move 100 000 batches through 1, 2 and 4 slots: every record once, in order", arguments: [1, 2, 4])
    func threadsKeepOrder(slots: Int) async throws {
        let senderSignal = TaskSignal()
        let receiverSignal = TaskSignal()
        let bridge = RingBridge<Int>(slots: slots, sender: senderSignal, receiver: receiverSignal)
        // Fewer under ThreadSanitizer (scripts/test-tsan sets FLOW_TSAN), which makes each access
        // about ten times slower: the interleavings it checks are the same.
        let batches = ProcessInfo.processInfo.environment["FLOW_TSAN"] == nil ? 100_000 : 5_000
        let producer = Thread {
            var next = 0
            var batchNumber = 0
            while batchNumber < batches {
                guard bridge.hasCredit else {
                    senderSignal.wait()
                    continue
                }
                var batch = bridge.reusableBatch() ?? Batch<Int>(capacity: 3)
                for _ in 0..<3 {
                    batch.append(next)
                    next += 1
                }
                bridge.send(.batch(batch))
                batchNumber += 1
                if batchNumber % 1000 == 0 {
                    while !bridge.hasCredit { senderSignal.wait() }
                    bridge.send(.control(.watermark(Watermark(EventTime(milliseconds: Int64(batchNumber))))))
                }
            }
            while !bridge.hasCredit { senderSignal.wait() }
            bridge.send(.control(.endOfInput))
        }
        let result = ConsumerResult()
        let consumer = Thread {
            var expected = 0
            var watermarks = 0
            var outOfOrder = 0
            receiving: while true {
                guard let element = bridge.receive() else {
                    receiverSignal.wait()
                    continue
                }
                switch element {
                case .batch(let batch):
                    for record in batch.records {
                        if record != expected { outOfOrder += 1 }
                        expected = record + 1
                    }
                    bridge.recycle(batch)
                case .control(.watermark(let watermark)):
                    // A watermark follows exactly the records sent before it.
                    if watermark.time.milliseconds * 3 != Int64(expected) { outOfOrder += 1 }
                    watermarks += 1
                case .control(.endOfInput):
                    break receiving
                case .control:
                    outOfOrder += 1
                }
            }
            result.set(expected: expected, watermarks: watermarks, outOfOrder: outOfOrder)
        }
        // Wait without blocking a thread of the cooperative pool.
        await producer.finished()
        await consumer.finished()
        let (expected, watermarks, outOfOrder) = result.values
        #expect(outOfOrder == 0)
        #expect(expected == batches * 3)
        #expect(watermarks == batches / 1000)
        #expect(bridge.depth == 0)
        #expect(bridge.maxDepth <= slots)
        #expect(bridge.elementsSent == batches + batches / 1000 + 1)
    }
}

/// What the consumer thread saw.
private final class ConsumerResult: @unchecked Sendable {
    // @unchecked: written once by the consumer thread before it finishes, read after.
    private var stored = (0, 0, 0)
    func set(expected: Int, watermarks: Int, outOfOrder: Int) { stored = (expected, watermarks, outOfOrder) }
    var values: (Int, Int, Int) { stored }
}
