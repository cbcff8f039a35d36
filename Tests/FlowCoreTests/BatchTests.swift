import FlowCore
import Testing

@Suite struct BatchTests {
    @Test("init(capacity:) makes an empty batch with at least that capacity")
    func initWithCapacity() {
        let batch = Batch<Int>(capacity: 64)
        #expect(batch.isEmpty)
        #expect(batch.count == 0)
        #expect(batch.capacity >= 64)
    }

    @Test("init(_:timestamp:) gives every record the same timestamp, unassigned by default")
    func initFromSequence() {
        let stamped = Batch(["a", "b", "c"], timestamp: EventTime(milliseconds: 7))
        #expect(Array(stamped.records) == ["a", "b", "c"])
        #expect(Array(stamped.timestamps) == Array(repeating: EventTime(milliseconds: 7), count: 3))

        let unstamped = Batch(1...4)
        #expect(unstamped.count == 4)
        #expect(unstamped.timestamps.allSatisfy { $0 == .unassigned })
    }

    @Test("init(records:timestamps:) pairs records with their timestamps by position")
    func initFromArrays() {
        let batch = Batch(records: [10, 20], timestamps: [EventTime(milliseconds: 1), EventTime(milliseconds: 2)])
        #expect(batch[0].record == 10)
        #expect(batch[0].timestamp == EventTime(milliseconds: 1))
        #expect(batch[1].record == 20)
        #expect(batch[1].timestamp == EventTime(milliseconds: 2))
    }

    @Test("init(records:timestamps:) with different lengths is a precondition failure")
    func initWithMismatchedLengthsTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = Batch<Int>(records: [1, 2, 3], timestamps: [EventTime(milliseconds: 1)])
        }
    }

    @Test("A capacity above Batch.maximumCapacity is a precondition failure naming the capacity")
    func hugeCapacityTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Batch<Int>(capacity: 1 << 40)
        }
        let output = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(output.contains("Batch: capacity 1099511627776 is above Batch.maximumCapacity (4294967296 records)"), "stderr was: \(output)")
    }

    @Test("A capacity of Int.max is a precondition failure, not an arithmetic overflow")
    func maxCapacityTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Batch<Int>(capacity: .max)
        }
        let output = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(output.contains("Batch: capacity \(Int.max) is above Batch.maximumCapacity"), "stderr was: \(output)")
    }

    @Test("reserveCapacity above Batch.maximumCapacity is a precondition failure")
    func hugeReserveTraps() async {
        await #expect(processExitsWith: .failure) {
            var batch = Batch<Int>([1, 2])
            batch.reserveCapacity(.max)
        }
    }

    @Test("append adds records in order with their timestamps")
    func appendKeepsOrderAndTimestamps() {
        var batch = Batch<String>()
        batch.append("x", at: EventTime(milliseconds: 5))
        batch.append("y")
        batch.append("z", at: EventTime(milliseconds: 3))
        #expect(Array(batch.records) == ["x", "y", "z"])
        #expect(Array(batch.timestamps) == [EventTime(milliseconds: 5), .unassigned, EventTime(milliseconds: 3)])
    }

    @Test("append(contentsOf:) adds the other batch's records after its own, keeping timestamps")
    func appendContentsOf() {
        var batch = Batch([1, 2], timestamp: EventTime(milliseconds: 1))
        let other = Batch(records: [3, 4], timestamps: [EventTime(milliseconds: 30), EventTime(milliseconds: 40)])
        batch.append(contentsOf: other)
        #expect(Array(batch.records) == [1, 2, 3, 4])
        #expect(batch.timestamps.map(\.milliseconds) == [1, 1, 30, 40])
        #expect(other.count == 2)
    }

    @Test("appending within capacity does not grow the capacity")
    func appendWithinCapacityKeepsCapacity() {
        var batch = Batch<Int>(capacity: 16)
        let capacity = batch.capacity
        for value in 0..<capacity { batch.append(value) }
        #expect(batch.count == capacity)
        #expect(batch.capacity == capacity)
    }

    @Test("removeAll() empties the batch and keeps its capacity by default")
    func removeAllKeepsCapacity() {
        var batch = Batch<Int>(capacity: 100)
        for value in 0..<50 { batch.append(value, at: EventTime(milliseconds: Int64(value))) }
        let capacity = batch.capacity
        batch.removeAll()
        #expect(batch.isEmpty)
        #expect(batch.timestamps.isEmpty)
        #expect(batch.capacity == capacity)
    }

    @Test("removeAll(keepingCapacity: false) releases the storage")
    func removeAllReleasingCapacity() {
        var batch = Batch<Int>(capacity: 100)
        batch.append(1)
        batch.removeAll(keepingCapacity: false)
        #expect(batch.isEmpty)
        #expect(batch.capacity < 100)
    }

    @Test("reserveCapacity raises the capacity of both arrays")
    func reserveCapacity() {
        var batch = Batch<Int>()
        batch.reserveCapacity(256)
        #expect(batch.capacity >= 256)
        #expect(batch.isEmpty)
    }

    @Test("swapContents exchanges records, timestamps and capacity")
    func swapContents() {
        var left = Batch<Int>(capacity: 200)
        left.append(1, at: EventTime(milliseconds: 1))
        var right = Batch([7, 8, 9], timestamp: EventTime(milliseconds: 9))
        let leftCapacity = left.capacity
        let rightCapacity = right.capacity
        left.swapContents(with: &right)
        #expect(Array(left.records) == [7, 8, 9])
        #expect(left.timestamps.allSatisfy { $0 == EventTime(milliseconds: 9) })
        #expect(left.capacity == rightCapacity)
        #expect(Array(right.records) == [1])
        #expect(Array(right.timestamps) == [EventTime(milliseconds: 1)])
        #expect(right.capacity == leftCapacity)
    }

    @Test("withUnsafeBuffers exposes the records and timestamps, of equal length, in order")
    func withUnsafeBuffers() {
        let batch = Batch(
            records: ["a", "b", "c"],
            timestamps: [EventTime(milliseconds: 3), EventTime(milliseconds: 2), EventTime(milliseconds: 1)])
        let pairs = batch.withUnsafeBuffers { records, timestamps in
            #expect(records.count == timestamps.count)
            return zip(records, timestamps).map { "\($0)@\($1.milliseconds)" }
        }
        #expect(pairs == ["a@3", "b@2", "c@1"])
    }

    @Test("withUnsafeBuffers rethrows what its body throws")
    func withUnsafeBuffersRethrows() {
        struct Boom: Error {}
        let batch = Batch([1])
        #expect(throws: Boom.self) {
            try batch.withUnsafeBuffers { _, _ in throw Boom() }
        }
    }

    @Test("batches are equal when records and timestamps are")
    func equality() {
        let a = Batch([1, 2], timestamp: EventTime(milliseconds: 1))
        #expect(a == Batch([1, 2], timestamp: EventTime(milliseconds: 1)))
        #expect(a != Batch([1, 2], timestamp: EventTime(milliseconds: 2)))
        #expect(a != Batch([2, 1], timestamp: EventTime(milliseconds: 1)))
    }

    @Test("a copy is independent of the original (value semantics)")
    func valueSemantics() {
        var original = Batch([1, 2, 3])
        let copy = original
        original.removeAll()
        original.append(9)
        #expect(Array(copy.records) == [1, 2, 3])
        #expect(Array(original.records) == [9])
    }

    @Test("description gives the record count")
    func description() {
        #expect(Batch([1, 2, 3]).description.contains("3"))
    }
}

@Suite("Batch: bulk moves and copies of a range")
struct BatchRangeTests {
    @Test("moveRecords(from:appendingTo:) moves the tail, with its timestamps, and keeps the head")
    func moveTail() {
        var batch = Batch<String>()
        for index in 0..<6 { batch.append("r\(index)", at: EventTime(milliseconds: Int64(index))) }
        var other = Batch(["x"])
        batch.moveRecords(from: 4, appendingTo: &other)
        #expect(Array(batch.records) == ["r0", "r1", "r2", "r3"])
        #expect(Array(other.records) == ["x", "r4", "r5"])
        #expect(other.timestamps.map(\.milliseconds) == [.min, 4, 5])
        batch.moveRecords(from: 4, appendingTo: &other)
        #expect(batch.count == 4 && other.count == 3, "moving from the end moves nothing")
        batch.moveRecords(from: 0, appendingTo: &other)
        #expect(batch.isEmpty && other.count == 7)
    }

    @Test("moveRecords from a shared batch leaves the other holder's records alone")
    func moveFromShared() {
        var batch = Batch([1, 2, 3, 4])
        let copy = batch
        var other = Batch<Int>()
        batch.moveRecords(from: 1, appendingTo: &other)
        #expect(Array(copy.records) == [1, 2, 3, 4])
        #expect(Array(batch.records) == [1] && Array(other.records) == [2, 3, 4])
    }

    @Test("append(contentsOf:range:) copies a range and leaves the source whole")
    func appendRange() {
        let source = Batch(["a", "b", "c", "d"], timestamp: EventTime(milliseconds: 9))
        var target = Batch(["z"])
        target.append(contentsOf: source, range: 1..<3)
        #expect(Array(target.records) == ["z", "b", "c"])
        #expect(target.timestamps.map(\.milliseconds) == [.min, 9, 9])
        #expect(source.count == 4)
        target.append(contentsOf: source, range: 2..<2)
        #expect(target.count == 3)
    }
}
