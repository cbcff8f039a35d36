import FlowCore
import FlowRuntime
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

@Suite struct LocalChannelTests {
    @Test("batches and control elements come out in the order they went in")
    func fifo() {
        let channel = LocalChannel<Int>(slots: 8)
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
        var received: [Received] = []
        while let element = channel.receive() { received.append(Received(element)) }
        #expect(received == elements.map(Received.init))
        #expect(channel.depth == 0)
        #expect(channel.receive() == nil)
    }

    @Test("FIFO holds when sends and receives interleave")
    func interleavedFIFO() {
        let channel = LocalChannel<Int>(slots: 2)
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
        let channel = LocalChannel<Int>(slots: slots)
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

    @Test("creditWaits counts the hasCredit checks that found no credit")
    func creditWaits() {
        let channel = LocalChannel<Int>(slots: 1)
        #expect(channel.hasCredit)
        #expect(channel.creditWaits == 0)
        channel.send(.batch(Batch([1])))
        #expect(!channel.hasCredit)
        #expect(!channel.hasCredit)
        #expect(!channel.hasCredit)
        #expect(channel.creditWaits == 3)
        _ = channel.receive()
        #expect(channel.hasCredit)
        #expect(channel.creditWaits == 3)
    }

    @Test("a recycled batch comes back from reusableBatch emptied, with its capacity")
    func recycle() {
        let channel = LocalChannel<Int>(slots: 2)
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

    @Test("at most `slots` recycled batches are kept", arguments: [1, 3])
    func recycleBound(slots: Int) {
        let channel = LocalChannel<Int>(slots: slots)
        for _ in 0..<(slots + 3) { channel.recycle(Batch<Int>(capacity: 16)) }
        var reused = 0
        while let batch = channel.reusableBatch() {
            #expect(batch.isEmpty)
            #expect(batch.capacity >= 16)
            reused += 1
        }
        #expect(reused == slots)
    }

    @Test("sending without credit is a precondition failure")
    func sendWithoutCreditTraps() async {
        await #expect(processExitsWith: .failure) {
            let channel = LocalChannel<Int>(slots: 1)
            channel.send(.control(.endOfInput))
            channel.send(.control(.endOfInput))
        }
    }
}
