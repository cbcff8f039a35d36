import FlowCore
import Synchronization
import Testing

/// Counts live instances, to check that slicing neither leaks nor releases a record twice.
private final class Tracked: Sendable {
    static let live = Atomic<Int>(0)
    let value: Int
    init(_ value: Int) {
        self.value = value
        Self.live.add(1, ordering: .relaxed)
    }
    deinit { Self.live.subtract(1, ordering: .relaxed) }
}

@Suite("BatchSlicer: a batch handed out in parts", .serialized)
struct BatchSlicerTests {
    @Test("Slices come out in order with their timestamps, and the last returns the emptied batch")
    func ordered() {
        var batch = Batch<Int>(capacity: 16)
        for value in 0..<10 { batch.append(value, at: EventTime(milliseconds: Int64(value * 10))) }
        var slicer = BatchSlicer<Int>()
        slicer.start(batch)
        #expect(slicer.remaining == 10)
        var seen: [Int] = []
        var times: [Int64] = []
        var emptied: Batch<Int>?
        var parts = 0
        while !slicer.isEmpty {
            var part = Batch<Int>()
            emptied = slicer.moveNext(3, appendingTo: &part)
            #expect(part.count <= 3)
            seen += part.records
            times += part.timestamps.map(\.milliseconds)
            parts += 1
        }
        #expect(seen == Array(0..<10))
        #expect(times == (0..<10).map { Int64($0 * 10) })
        #expect(parts == 4)
        #expect(emptied?.isEmpty == true && emptied?.capacity == 16, "the emptied batch keeps its capacity for reuse")
    }

    @Test("A slice appends to what the target batch holds")
    func appends() {
        var slicer = BatchSlicer<Int>()
        slicer.start(Batch([5, 6, 7]))
        var part = Batch([1, 2])
        _ = slicer.moveNext(2, appendingTo: &part)
        #expect(Array(part.records) == [1, 2, 5, 6])
        #expect(slicer.remaining == 1)
    }

    @Test("Records still held are released once when the slicer goes away or is emptied, none twice")
    func releases() {
        let before = Tracked.live.load(ordering: .relaxed)
        do {
            var slicer = BatchSlicer<Tracked>()
            slicer.start(Batch((0..<8).map(Tracked.init)))
            var part = Batch<Tracked>()
            _ = slicer.moveNext(3, appendingTo: &part)
            #expect(part.records.map(\.value) == [0, 1, 2])
            #expect(Tracked.live.load(ordering: .relaxed) == before + 8)
            part.removeAll()
            #expect(Tracked.live.load(ordering: .relaxed) == before + 5)
        }
        #expect(Tracked.live.load(ordering: .relaxed) == before, "the 5 records left in the slicer were released with it")

        var slicer = BatchSlicer<Tracked>()
        slicer.start(Batch((0..<4).map(Tracked.init)))
        var part = Batch<Tracked>()
        _ = slicer.moveNext(1, appendingTo: &part)
        slicer.removeAll()
        #expect(slicer.isEmpty && slicer.remaining == 0)
        #expect(Tracked.live.load(ordering: .relaxed) == before + 1)
        part.removeAll()
        #expect(Tracked.live.load(ordering: .relaxed) == before)
    }

    @Test("A shared batch is copied when sliced, so its other holder keeps every record")
    func shared() {
        let original = Batch([1, 2, 3, 4])
        var slicer = BatchSlicer<Int>()
        slicer.start(original)
        var part = Batch<Int>()
        _ = slicer.moveNext(4, appendingTo: &part)
        #expect(Array(part.records) == [1, 2, 3, 4])
        #expect(Array(original.records) == [1, 2, 3, 4])
    }
}
