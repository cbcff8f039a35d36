import FlowCore
import FlowRuntime
import Testing

@Suite struct ElementQueueTests {
    @Test("elements come out oldest first across wrap-around and growth")
    func order() {
        let queue = ElementQueue<Int>(capacity: 2)
        var next = 0
        var expected = 0
        // Interleave pushes and pops so the ring wraps, then grows while wrapped.
        for round in 1...6 {
            for _ in 0..<round {
                queue.append(.batch(Batch(records: [next], timestamps: [EventTime(milliseconds: Int64(next))])))
                next += 1
            }
            for _ in 0..<(round / 2) {
                guard case .batch(let batch) = queue.popFirst() else {
                    Issue.record("expected a batch")
                    return
                }
                #expect(Array(batch.records) == [expected])
                expected += 1
            }
        }
        queue.append(.control(.endOfInput))
        while queue.count > 1 {
            guard case .batch(let batch) = queue.popFirst() else {
                Issue.record("expected a batch")
                return
            }
            #expect(Array(batch.records) == [expected])
            expected += 1
        }
        #expect(expected == next)
        guard case .control(.endOfInput) = queue.popFirst() else {
            Issue.record("expected end of input last")
            return
        }
        #expect(queue.isEmpty)
    }

    @Test("a popped batch is the only reference to its storage, so writing to it does not copy")
    func movesOut() {
        let queue = ElementQueue<Int>()
        var batch = Batch<Int>(capacity: 64)
        for value in 0..<10 { batch.append(value) }
        let address = batch.withUnsafeBuffers { records, _ in records.baseAddress }
        queue.append(.batch(batch))
        batch = Batch()
        guard case .batch(var popped) = queue.popFirst() else {
            Issue.record("expected a batch")
            return
        }
        popped.removeAll(keepingCapacity: true)
        popped.append(42)
        #expect(popped.withUnsafeBuffers { records, _ in records.baseAddress } == address)
    }

    @Test("elements still queued are released with the queue")
    func releasesOnDeinit() {
        weak var tracked: Tracked?
        do {
            let queue = ElementQueue<Tracked>(capacity: 1)
            let object = Tracked()
            tracked = object
            queue.append(.batch(Batch(records: [object], timestamps: [EventTime(milliseconds: 0)])))
            queue.append(.control(.endOfInput))
            #expect(tracked != nil)
        }
        #expect(tracked == nil)
    }

    @Test("Each element keeps its byte count, in order, across growth")
    func bytesFollowElements() {
        let queue = ElementQueue<Int>(capacity: 2)
        for index in 0..<9 { queue.append(.batch(Batch([index])), bytes: index * 10) }
        var seen: [Int] = []
        for _ in 0..<4 {
            seen.append(queue.firstBytes)
            _ = queue.popFirst()
        }
        for index in 9..<12 { queue.append(.batch(Batch([index])), bytes: index * 10) }
        while !queue.isEmpty {
            seen.append(queue.firstBytes)
            _ = queue.popFirst()
        }
        #expect(seen == (0..<12).map { $0 * 10 })
    }
}

private final class Tracked {}
