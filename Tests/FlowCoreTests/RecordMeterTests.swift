import FlowCore
import Testing

/// A record that does not conform to ByteSized: counted by its stride.
private struct Plain: Sendable {
    var a: Int64
    var b: Int32
}

@Suite("RecordMeter: measuring batches against byte budgets")
struct RecordMeterTests {
    @Test("A type that is not ByteSized is counted by its stride, in O(1)")
    func plainTypes() {
        let meter = RecordMeter<Plain>()
        #expect(meter.fixedSize == MemoryLayout<Plain>.stride)
        let batch = Batch((0..<10).map { Plain(a: Int64($0), b: 0) })
        #expect(meter.bytes(of: batch) == 10 * MemoryLayout<Plain>.stride)
        #expect(meter.bytes(of: batch, from: 7) == 3 * MemoryLayout<Plain>.stride)
        #expect(meter.recordLimit(forBytes: 160) == 160 / MemoryLayout<Plain>.stride)
        #expect(meter.recordLimit(forBytes: 1) == 1)
    }

    @Test("A fixed-size ByteSized type is measured as fixed")
    func fixedByteSized() {
        #expect(RecordMeter<Int>().fixedSize == 8)
        #expect(RecordMeter<Int?>().hasFixedSize)
    }

    @Test("A type whose size varies is measured record by record, once per batch")
    func variableTypes() {
        let meter = RecordMeter<String>()
        #expect(!meter.hasFixedSize)
        #expect(meter.recordLimit(forBytes: 100) == .max)
        let records = ["short", String(repeating: "x", count: 1000), String(repeating: "y", count: 20)]
        let batch = Batch(records)
        #expect(meter.bytes(of: batch) == 16 + (16 + 1000 + 32) + (16 + 20 + 32))
        #expect(meter.bytes(of: batch, from: 1) == (16 + 1000 + 32) + (16 + 20 + 32))
        #expect(meter.bytes(of: batch, from: 3) == 0)
        batch.withUnsafeBuffers { buffer, _ in
            #expect(meter.prefix(of: buffer, fittingIn: 100) == (1, 16))
            #expect(meter.prefix(of: buffer, fittingIn: 2000) == (3, 16 + 1048 + 68))
        }
    }

    @Test("prefix for a fixed-size type divides the budget, at least one record")
    func fixedPrefix() {
        let meter = RecordMeter<Int>()
        let batch = Batch(Array(0..<100))
        batch.withUnsafeBuffers { buffer, _ in
            #expect(meter.prefix(of: buffer, fittingIn: 80) == (10, 80))
            #expect(meter.prefix(of: buffer, fittingIn: 3) == (1, 8))
            #expect(meter.prefix(of: buffer, fittingIn: 10_000) == (100, 800))
        }
    }
}
