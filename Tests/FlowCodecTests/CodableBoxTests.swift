import FlowCodec
import FlowCore
import Testing

@Suite struct CodableBoxTests {
    @Test func boxRoundTripsAsFlowCodable() throws {
        let box = CodableBox(Customer.full)
        #expect(try CodableBox<Customer>(decoding: box.encoded()) == box)
        #expect(try CodableBox<Customer>(decoding: CodableBox(Customer.sparse).encoded()).value == Customer.sparse)
    }

    @Test func boxIsALengthPrefixedEncoderPayload() throws {
        let payload = try FlowBinaryEncoder().encode(Payment.voucher("a", 1))
        var expected = BinaryWriter()
        expected.writeLengthPrefixedBytes(payload)
        #expect(CodableBox(Payment.voucher("a", 1)).encoded() == expected.bytes)
    }

    @Test func boxesWorkWhereFlowCodableIsRequired() throws {
        let boxes = [CodableBox(Payment.cash), CodableBox(Payment.split([.none]))]
        #expect(try [CodableBox<Payment>](decoding: boxes.encoded()) == boxes)
        let byName: [String: CodableBox<Address>] = ["home": CodableBox(Address(street: "h", zip: nil, location: [1]))]
        #expect(try [String: CodableBox<Address>](decoding: byName.encoded()) == byName)
        let optional: CodableBox<Address>? = nil
        #expect(try CodableBox<Address>?(decoding: optional.encoded()) == nil)
    }

    @Test func everyStrictPrefixOfABoxIsMalformed() {
        let bytes = CodableBox(Customer.full).encoded()
        for length in 0..<bytes.count {
            expectMalformed("CodableBox<Customer>") {
                _ = try CodableBox<Customer>(decoding: Array(bytes.prefix(length)))
            }
        }
    }

    @Test func payloadMustBeUsedExactly() throws {
        var writer = BinaryWriter()
        writer.writeLengthPrefixedBytes(try FlowBinaryEncoder().encode(Int8(3)) + [0])
        expectMalformed("CodableBox<Int8>", "1 trailing bytes after Int8") {
            _ = try CodableBox<Int8>(decoding: writer.bytes)
        }
    }
}
