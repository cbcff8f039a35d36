import FlowCore
import Testing

/// A struct key that conforms by combining its fields, as the protocol's documentation shows.
private struct Route: Hashable, Sendable, StableHashable {
    var from: String
    var to: String
    func stableHash(into hasher: inout StableHasher) {
        from.stableHash(into: &hasher)
        to.stableHash(into: &hasher)
    }
}

@Suite struct StableHashableTests {
    @Test("equal values hash equal, independently built")
    func equalValuesHashEqual() {
        #expect(42.stableHashValue == (40 + 2).stableHashValue)
        #expect("flow".stableHashValue == String(["f", "l", "o", "w"]).stableHashValue)
        #expect([1, 2, 3].stableHashValue == Array(1...3).stableHashValue)
        #expect(Optional(5).stableHashValue == Optional(5).stableHashValue)
        #expect(Route(from: "a", to: "b").stableHashValue == Route(from: "a", to: "b").stableHashValue)
        #expect((0.1 + 0.2).stableHashValue == (0.1 + 0.2).stableHashValue)
    }

    @Test("different values hash differently", arguments: [
        (1.stableHashValue, 2.stableHashValue),
        (Int.min.stableHashValue, Int.max.stableHashValue),
        ("a".stableHashValue, "b".stableHashValue),
        ("".stableHashValue, " ".stableHashValue),
        ("ab".stableHashValue, "ba".stableHashValue),
        (true.stableHashValue, false.stableHashValue),
        (1.5.stableHashValue, 2.5.stableHashValue),
        (Float(1.5).stableHashValue, Float(2.5).stableHashValue),
    ])
    func differentValuesDiffer(lhs: UInt64, rhs: UInt64) {
        #expect(lhs != rhs)
    }

    @Test("0.0 and -0.0 hash alike, for Double and Float")
    func signedZeros() {
        #expect((0.0 as Double).stableHashValue == (-0.0 as Double).stableHashValue)
        #expect((0.0 as Float).stableHashValue == (-0.0 as Float).stableHashValue)
    }

    @Test("Optional none and some(0) differ")
    func optionalNoneVersusZero() {
        #expect(Int?.none.stableHashValue != Int?.some(0).stableHashValue)
        #expect(String?.none.stableHashValue != String?.some("").stableHashValue)
        #expect(Int??.some(.none).stableHashValue != Int??.none.stableHashValue)
    }

    @Test("array element order and nesting matter")
    func arrays() {
        #expect([1, 2].stableHashValue != [2, 1].stableHashValue)
        #expect([[1], [2]].stableHashValue != [[1, 2]].stableHashValue)
        #expect(["ab"].stableHashValue != ["a", "b"].stableHashValue)
        #expect([Int]().stableHashValue != [0].stableHashValue)
    }

    @Test("struct keys: field order matters")
    func structKeys() {
        #expect(Route(from: "a", to: "b").stableHashValue != Route(from: "b", to: "a").stableHashValue)
        #expect(Route(from: "ab", to: "").stableHashValue != Route(from: "a", to: "b").stableHashValue)
    }

    @Test("a Substring hashes as the equal String")
    func substringMatchesString() {
        let text = "key: hello, world"
        let slice = text.dropFirst(5)
        #expect(slice.stableHashValue == "hello, world".stableHashValue)
        #expect(text.split(separator: " ").map(\.stableHashValue) == ["key:", "hello,", "world"].map(\.stableHashValue))
    }

    @Test("integers of every width hash by value")
    func integerWidthsAgree() {
        let minusOne = Int(-1).stableHashValue
        #expect(Int8(-1).stableHashValue == minusOne)
        #expect(Int16(-1).stableHashValue == minusOne)
        #expect(Int32(-1).stableHashValue == minusOne)
        #expect(Int64(-1).stableHashValue == minusOne)
        let twoHundred = Int(200).stableHashValue
        #expect(UInt8(200).stableHashValue == twoHundred)
        #expect(UInt16(200).stableHashValue == twoHundred)
        #expect(UInt32(200).stableHashValue == twoHundred)
        #expect(UInt64(200).stableHashValue == twoHundred)
        #expect(UInt(200).stableHashValue == twoHundred)
    }

    @Test("a string hashes as its UTF-8 bytes fed to combine(bytes:)", arguments: ["", "a", "12345678", "hello, world", "Zoë 🛒"])
    func stringsHashTheirUTF8Bytes(text: String) {
        var hasher = StableHasher()
        Array(text.utf8).withUnsafeBytes { hasher.combine(bytes: $0) }
        #expect(text.stableHashValue == hasher.finalize())
    }

    @Test("a Double hashes its bit pattern as one word")
    func doubleHashesBitPattern() {
        var hasher = StableHasher()
        hasher.combine((2.75).bitPattern)
        #expect((2.75).stableHashValue == hasher.finalize())
    }

    @Test("format pinning: stableHashValue of fixed keys never changes (the hash is specified, not per process)",
          arguments: [
              ("Int 0", 0.stableHashValue, UInt64(0x5E4D_6DC5_0256_FCC3)),
              ("Int 1", 1.stableHashValue, UInt64(0x195A_40A0_93A9_6E68)),
              ("Int -1", (-1).stableHashValue, UInt64(0x67B0_12B2_A6F2_A167)),
              ("Int 42", 42.stableHashValue, UInt64(0xAEEE_F666_9FA6_CBEC)),
              ("Int.max", Int.max.stableHashValue, UInt64(0xF7FC_0785_6CDC_CA0D)),
              ("true", true.stableHashValue, UInt64(0x195A_40A0_93A9_6E68)),
              ("1.5", 1.5.stableHashValue, UInt64(0xD534_C0E8_48E0_CC34)),
              ("\"\"", "".stableHashValue, UInt64(0x5E4D_6DC5_0256_FCC3)),
              ("\"a\"", "a".stableHashValue, UInt64(0xB648_0A25_5EBD_1A3F)),
              ("\"flow\"", "flow".stableHashValue, UInt64(0x6CEB_516F_CC95_8789)),
              ("\"hello, world\"", "hello, world".stableHashValue, UInt64(0xFE76_929B_86B0_9666)),
              ("\"Zoë\"", "Zoë".stableHashValue, UInt64(0xC2D9_6D34_B3A9_F62C)),
              ("Int? nil", Int?.none.stableHashValue, UInt64(0x5E4D_6DC5_0256_FCC3)),
              ("Int? 0", Int?.some(0).stableHashValue, UInt64(0xED26_22E8_2291_02CA)),
              ("[1, 2]", [1, 2].stableHashValue, UInt64(0xEFE6_7173_37BB_5DC8)),
          ])
    func formatPinning(label: String, actual: UInt64, expected: UInt64) {
        #expect(actual == expected, "\(label)")
    }
}
