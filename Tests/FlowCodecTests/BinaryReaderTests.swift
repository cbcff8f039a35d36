import FlowCodec
import FlowCore
import Testing

@Suite struct BinaryReaderTests {
    @Test func readsMirrorWrites() throws {
        var writer = BinaryWriter()
        writer.write(Int16(-2))
        writer.write(UInt64.max)
        writer.write(Double.pi)
        writer.write(Float(-1.5))
        writer.write(true)
        writer.writeVarint(300)
        writer.writeZigZag(-12_345)
        writer.writeString("héllo, 世界 🌍")
        writer.writeLengthPrefixedBytes([1, 2, 3])
        [UInt8](arrayLiteral: 9, 9).withUnsafeBytes { writer.writeBytes($0) }

        var reader = BinaryReader(writer.bytes)
        #expect(try reader.read(Int16.self) == -2)
        #expect(try reader.read(UInt64.self) == .max)
        #expect(try reader.read(Double.self) == .pi)
        #expect(try reader.read(Float.self) == -1.5)
        #expect(try reader.read(Bool.self) == true)
        #expect(try reader.readVarint() == 300)
        #expect(try reader.readZigZag() == -12_345)
        #expect(try reader.readString() == "héllo, 世界 🌍")
        #expect(try reader.readLengthPrefixedBytes() == [1, 2, 3])
        #expect(Array(try reader.readBytes(count: 2)) == [9, 9])
        #expect(reader.isAtEnd)
        #expect(reader.remaining == 0)
        #expect(reader.offset == writer.count)
    }

    @Test func zigZagRoundTripsExtremes() throws {
        for value: Int64 in [0, 1, -1, .max, .min, .max - 1, .min + 1, 1 << 40, -(1 << 40)] {
            var writer = BinaryWriter()
            writer.writeZigZag(value)
            var reader = BinaryReader(writer.bytes)
            #expect(try reader.readZigZag() == value)
        }
    }

    @Test func offsetsCountFromTheStartOfASlice() throws {
        let bytes: [UInt8] = [0xEE, 0xEE, 5, 0, 0, 0]
        var reader = BinaryReader(bytes[2...])
        #expect(reader.offset == 0)
        #expect(reader.remaining == 4)
        #expect(try reader.read(UInt32.self) == 5)
        expectMalformed("UInt8", "byte offset 4", "needed 1 bytes, 0 available") {
            _ = try reader.read(UInt8.self)
        }
    }

    @Test func truncatedFixedWidthNamesTypeOffsetAndSizes() {
        var reader = BinaryReader([1, 2, 3, 4, 5, 6])
        #expect((try? reader.read(UInt16.self)) == 0x0201)
        expectMalformed("truncated Int64 at byte offset 2", "needed 8 bytes, 4 available") {
            _ = try reader.read(Int64.self)
        }
        expectMalformed("Double", "byte offset 2", "needed 8 bytes, 4 available") {
            _ = try reader.read(Double.self)
        }
        #expect(reader.offset == 2, "a failed read consumes nothing")
    }

    @Test func boolBytesOtherThanZeroOrOneAreMalformed() {
        var reader = BinaryReader([1, 0, 2])
        #expect((try? reader.read(Bool.self)) == true)
        #expect((try? reader.read(Bool.self)) == false)
        expectMalformed("Bool", "byte offset 2", "byte 2") { _ = try reader.read(Bool.self) }
    }

    @Test func varintOfElevenBytesIsMalformed() {
        let eleven: [UInt8] = Array(repeating: 0x80, count: 10) + [0x00]
        var reader = BinaryReader(eleven)
        expectMalformed("varint", "longer than 10 bytes", "byte offset 0") { _ = try reader.readVarint() }
    }

    @Test func varintOverflowingSixtyFourBitsIsMalformed() {
        let tooBig: [UInt8] = Array(repeating: 0xFF, count: 9) + [0x02]
        var reader = BinaryReader(tooBig)
        expectMalformed("varint", "overflows 64 bits") { _ = try reader.readVarint() }
        var maximum = BinaryReader(Array(repeating: 0xFF, count: 9) + [0x01])
        #expect((try? maximum.readVarint()) == .max)
    }

    @Test func truncatedVarintIsMalformed() {
        var reader = BinaryReader([0x80, 0x80])
        expectMalformed("truncated UInt64 varint at byte offset 0", "needed 3 bytes, 2 available") {
            _ = try reader.readVarint()
        }
        var empty = BinaryReader([])
        expectMalformed("zigzag varint") { _ = try empty.readZigZag() }
    }

    @Test func hugeLengthPrefixThrowsBeforeAllocating() {
        var writer = BinaryWriter()
        writer.writeVarint(1 << 40)
        writer.writeString("abc")
        let bytes = writer.bytes
        var strings = BinaryReader(bytes)
        expectMalformed("String", "length 1099511627776", "only 4 bytes remain") { _ = try strings.readString() }
        var runs = BinaryReader(bytes)
        expectMalformed("Array<UInt8>", "length 1099511627776") { _ = try runs.readLengthPrefixedBytes() }
    }

    @Test func invalidUTF8IsMalformed() {
        for invalid: [UInt8] in [[0xFF], [0xC3], [0xE2, 0x28, 0xA1], [0xED, 0xA0, 0x80], [0xC0, 0x80]] {
            var reader = BinaryReader([UInt8(invalid.count)] + invalid)
            expectMalformed("String", "byte offset 1", "not valid UTF-8") { _ = try reader.readString() }
        }
    }

    @Test func readBytesChecksItsCount() {
        var reader = BinaryReader([1, 2, 3])
        expectMalformed("byte run", "needed 4 bytes, 3 available") { _ = try reader.readBytes(count: 4) }
        expectMalformed("byte run") { _ = try reader.readBytes(count: -1) }
        #expect((try? reader.readBytes(count: 3)).map(Array.init) == [1, 2, 3])
    }
}
