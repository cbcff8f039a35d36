import FlowCodec
import FlowCore
import Testing

@Suite struct FlowBinaryDecoderTests {
    @Test func everyStrictPrefixOfACodableValueIsMalformed() throws {
        let bytes = try FlowBinaryEncoder().encode(Customer.full)
        for length in 0..<bytes.count {
            expectMalformed("FlowBinaryDecoder: decoding Customer") {
                _ = try FlowBinaryDecoder().decode(Customer.self, from: Array(bytes.prefix(length)))
            }
        }
    }

    @Test func everyStrictPrefixOfAHandWrittenConformanceIsMalformed() throws {
        let polygon = Polygon(name: "sq", points: [(0, 0), (1, 1)], origin: Address(street: "s", zip: 2, location: [1]))
        let bytes = try FlowBinaryEncoder().encode(polygon)
        for length in 0..<bytes.count {
            expectMalformed("Polygon") { _ = try FlowBinaryDecoder().decode(Polygon.self, from: Array(bytes.prefix(length))) }
        }
    }

    @Test func errorsNameTheCodingPathTheTypeAndTheOffset() throws {
        let bytes = try FlowBinaryEncoder().encode(Customer.full)
        // The first field is `id` (presence byte + 8 bytes); cut inside it.
        let error = expectMalformed(
            "decoding Customer", "at coding path id", "truncated UInt64 at byte offset 1", "needed 8 bytes, 3 available"
        ) {
            _ = try FlowBinaryDecoder().decode(Customer.self, from: Array(bytes.prefix(4)))
        }
        #expect(error != nil)
        // Cut inside the street of the address: the path is joined with ".".
        let nameSlot = 2 + Customer.full.name.utf8.count
        let nicknameSlot = 2 + (Customer.full.nickname ?? "").utf8.count
        let addressStart = 9 + nameSlot + nicknameSlot  // then the address's presence byte, then the street's
        expectMalformed("at coding path address.street", "truncated String length at byte offset \(addressStart + 2)") {
            _ = try FlowBinaryDecoder().decode(Customer.self, from: Array(bytes.prefix(addressStart + 2)))
        }
    }

    @Test func unkeyedElementsAppearAsIndexesInTheCodingPath() throws {
        let bytes = try FlowBinaryEncoder().encode([Address(street: "a", zip: 1, location: [])] + [Address(street: "b", zip: 2, location: [3])])
        expectMalformed("at coding path 1.location", "Array<Double>") {
            _ = try FlowBinaryDecoder().decode([Address].self, from: Array(bytes.dropLast(1)))
        }
    }

    @Test func nilWhereAValueIsRequiredIsMalformed() throws {
        var bytes = try FlowBinaryEncoder().encode(Address(street: "x", zip: nil, location: []))
        bytes[0] = 0  // the street's presence byte
        expectMalformed("at coding path street", "found nil where a value is required") {
            _ = try FlowBinaryDecoder().decode(Address.self, from: bytes)
        }
        bytes[0] = 7
        expectMalformed("at coding path street", "presence byte 7") {
            _ = try FlowBinaryDecoder().decode(Address.self, from: bytes)
        }
    }

    @Test func unknownEnumCaseIsMalformed() throws {
        var bytes = try FlowBinaryEncoder().encode(Payment.cash)
        #expect(bytes == [1, 4] + Array("cash".utf8))
        bytes[2] = UInt8(ascii: "d")  // "dash"
        expectMalformed("decoding Payment") { _ = try FlowBinaryDecoder().decode(Payment.self, from: bytes) }
    }

    @Test func nestedContainerWithTheWrongKeyIsMalformed() throws {
        let polygon = Polygon(name: "p", points: [], origin: Address(street: "", zip: nil, location: []))
        var bytes = try FlowBinaryEncoder().encode(polygon)
        // name slot: 01 01 'p'; then the meta container: 01 04 'meta'.
        bytes[5] = UInt8(ascii: "M")
        expectMalformed("at coding path meta", "expected the key 'meta'", "found 'Meta'") {
            _ = try FlowBinaryDecoder().decode(Polygon.self, from: bytes)
        }
    }

    @Test func readingPastAnUnkeyedContainerIsMalformed() throws {
        struct Pair: Codable {
            var a: Int8, b: Int8
            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                a = try container.decode(Int8.self)
                b = try container.decode(Int8.self)
            }
        }
        expectMalformed("decoding Pair", "at coding path 1", "past the end of an unkeyed container of 1 elements") {
            _ = try FlowBinaryDecoder().decode(Pair.self, from: [1, 1, 5])
        }
    }

    @Test func hugeUnkeyedCountThrowsBeforeAllocating() throws {
        var writer = BinaryWriter()
        writer.writeVarint(1 << 40)
        writer.write(UInt8(1))
        expectMalformed("decoding Set<String>", "UnkeyedContainer", "count 1099511627776") {
            _ = try FlowBinaryDecoder().decode(Set<String>.self, from: writer.bytes)
        }
        var string = BinaryWriter()
        string.write(UInt8(1))
        string.writeVarint(1 << 40)
        expectMalformed("decoding Address", "at coding path street", "length 1099511627776") {
            _ = try FlowBinaryDecoder().decode(Address.self, from: string.bytes)
        }
    }

    @Test func invalidScalarsInsideCodableValuesAreMalformed() throws {
        struct Flags: Codable { var on: Bool; var label: String }
        expectMalformed("at coding path on", "Bool", "byte 2") {
            _ = try FlowBinaryDecoder().decode(Flags.self, from: [1, 2, 1, 0])
        }
        expectMalformed("at coding path label", "not valid UTF-8") {
            _ = try FlowBinaryDecoder().decode(Flags.self, from: [1, 1, 1, 1, 0xFF])
        }
    }

    @Test func oddDictionaryCountIsMalformed() {
        // Dictionary<String, Tier> is decoded from alternating key and value slots.
        expectMalformed("Dictionary<String, Tier>", "odd element count 1") {
            _ = try FlowBinaryDecoder().decode([String: Tier].self, from: [1, 1, 1, 0x6B])
        }
    }

    @Test func trailingBytesAreMalformed() throws {
        let bytes = try FlowBinaryEncoder().encode(Customer.sparse) + [0, 0, 0]
        expectMalformed("FlowBinaryDecoder", "3 trailing bytes after Customer") {
            _ = try FlowBinaryDecoder().decode(Customer.self, from: bytes)
        }
    }

    @Test func slicesDecodeWithOffsetsFromTheirStart() throws {
        let bytes = [0xEE] + (try FlowBinaryEncoder().encode(Address(street: "q", zip: 9, location: [1, 2])))
        #expect(try FlowBinaryDecoder().decode(Address.self, from: bytes[1...]) == Address(street: "q", zip: 9, location: [1, 2]))
        expectMalformed("at coding path street", "byte offset 1") {
            _ = try FlowBinaryDecoder().decode(Address.self, from: bytes[1...].prefix(2))
        }
    }
}

extension FlowBinaryDecoderTests {
    /// `Payment.split` nested `levels` deep.
    static func nestedPayment(_ levels: Int) -> Payment {
        (0..<levels).reduce(Payment.cash) { inner, _ in .split([inner]) }
    }

    /// The encoding of ``nestedPayment(_:)``, built without building the value: each level is the
    /// `split` case's key, its `_0` slot, and a one-element unkeyed container.
    static func nestedPaymentBytes(_ levels: Int) -> [UInt8] {
        let level: [UInt8] = [1, 5] + Array("split".utf8) + [1, 1, 1]
        let cash: [UInt8] = [1, 4] + Array("cash".utf8)
        return Array([[UInt8]](repeating: level, count: levels).joined()) + cash
    }

    @Test func nestingUpToTheDepthLimitDecodes() throws {
        let payment = Self.nestedPayment(100)
        #expect(try FlowBinaryEncoder().encode(payment) == Self.nestedPaymentBytes(100))
        #expect(try codableRoundTrip(payment) == payment)
        // Each level is two init(from:) calls: the Payment and its [Payment].
        let limited = FlowBinaryDecoder(maximumDepth: 3)
        #expect(try limited.decode(Payment.self, from: Self.nestedPaymentBytes(1)) == Self.nestedPayment(1))
    }

    @Test func nestingBeyondTheDepthLimitIsMalformedNotAStackOverflow() throws {
        expectMalformed("decoding Payment", "nested deeper than 512 levels") {
            _ = try FlowBinaryDecoder().decode(Payment.self, from: Self.nestedPaymentBytes(100_000))
        }
        expectMalformed("nested deeper than 3 levels") {
            _ = try FlowBinaryDecoder(maximumDepth: 3).decode(Payment.self, from: Self.nestedPaymentBytes(2))
        }
    }

    struct Refuses: Decodable {
        struct Grumble: Error, CustomStringConvertible {
            var description: String { "not in the mood" }
        }
        init(from decoder: any Decoder) throws {
            if decoder.userInfo.isEmpty { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not today")) }
            throw Grumble()
        }
    }

    @Test func errorsThrownByInitFromBecomeMalformedDataThatSayTheirCauseOnce() throws {
        let corrupted = expectMalformed("FlowBinaryDecoder: decoding Refuses failed", "byte offset 0") {
            _ = try FlowBinaryDecoder().decode(Refuses.self, from: [])
        }
        #expect(corrupted?.underlying is DecodingError)
        let first = corrupted?.description ?? ""
        #expect(first.ranges(of: "not today").count == 1, "the cause once in: \(first)")

        let key = CodingUserInfoKey(rawValue: "grumpy")!
        let plain = expectMalformed("FlowBinaryDecoder: decoding Refuses failed at byte offset 0") {
            _ = try FlowBinaryDecoder(userInfo: [key: true]).decode(Refuses.self, from: [])
        }
        #expect(plain?.underlying is Refuses.Grumble)
        let second = plain?.description ?? ""
        #expect(second.ranges(of: "not in the mood").count == 1, "the cause once in: \(second)")
    }
}
