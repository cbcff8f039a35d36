@testable import FlowCodec
import Testing

@Suite struct BinaryWriterTests {
    @Test func fixedWidthIntegersAreLittleEndian() {
        var writer = BinaryWriter()
        writer.write(Int32(1))
        writer.write(UInt16(0x0102))
        writer.write(Int8(-1))
        writer.write(Int64.min)
        #expect(writer.bytes == [1, 0, 0, 0, 0x02, 0x01, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0x80])
        #expect(writer.count == 15)
    }

    @Test func floatsAndBoolsWriteTheirBitPatterns() {
        var writer = BinaryWriter()
        writer.write(1.0 as Double)
        writer.write(-0.0 as Float)
        writer.write(true)
        writer.write(false)
        #expect(writer.bytes == [0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0x80, 1, 0])
    }

    static let varints: [(UInt64, [UInt8])] = [
        (0, [0]),
        (1, [1]),
        (127, [0x7F]),
        (128, [0x80, 0x01]),
        (300, [0xAC, 0x02]),
        (16_384, [0x80, 0x80, 0x01]),
        (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    ]

    @Test(arguments: varints)
    func varintLayout(value: UInt64, expected: [UInt8]) {
        var writer = BinaryWriter()
        writer.writeVarint(value)
        #expect(writer.bytes == expected)
    }

    static let zigZags: [(Int64, [UInt8])] = [
        (0, [0]),
        (-1, [1]),
        (1, [2]),
        (-2, [3]),
        (63, [0x7E]),
        (-64, [0x7F]),
        (64, [0x80, 0x01]),
        (Int64.min, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        (Int64.max, [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    ]

    @Test(arguments: zigZags)
    func zigZagLayout(value: Int64, expected: [UInt8]) {
        var writer = BinaryWriter()
        writer.writeZigZag(value)
        #expect(writer.bytes == expected)
    }

    @Test func stringsAndByteRunsAreLengthPrefixed() {
        var writer = BinaryWriter()
        writer.writeString("hé")
        writer.writeString("")
        writer.writeLengthPrefixedBytes([9, 8])
        [UInt8](arrayLiteral: 7, 6).withUnsafeBytes { writer.writeLengthPrefixedBytes($0) }
        [UInt8](arrayLiteral: 5, 4).withUnsafeBytes { writer.writeBytes($0) }
        #expect(writer.bytes == [3, 0x68, 0xC3, 0xA9, 0, 2, 9, 8, 2, 7, 6, 5, 4])
    }

    @Test func resetForgetsBytesButKeepsCapacity() {
        var writer = BinaryWriter(capacity: 16)
        for value in 0..<1_000 { writer.write(UInt32(value)) }
        let grown = writer.storage.capacity
        writer.reset()
        #expect(writer.count == 0)
        #expect(writer.bytes.isEmpty)
        #expect(writer.storage.capacity == grown)
        writer.write(UInt8(7))
        #expect(writer.bytes == [7])
    }

    @Test func copiesAreIndependent() {
        var first = BinaryWriter()
        first.write(UInt8(1))
        var second = first
        second.write(UInt8(2))
        #expect(first.bytes == [1])
        #expect(second.bytes == [1, 2])
    }
}
