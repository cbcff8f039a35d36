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

/// Pieces of text, each with spellings that are canonically equivalent to one another. Every
/// piece starts with a starter (a scalar of combining class 0 that composes with nothing before
/// it), so strings built piece by piece from any spellings are `==`.
private let equivalentSpellings: [[String]] = [
    ["a"], ["Z"], ["0"], [" "], [","], ["~"],
    ["\u{E9}", "e\u{301}"],  // é
    ["\u{C5}", "\u{212B}", "A\u{30A}"],  // Å, ANGSTROM SIGN, A + ring
    ["\u{1E0B}\u{323}", "\u{1E0D}\u{307}", "d\u{323}\u{307}", "d\u{307}\u{323}"],  // ḍ̇
    ["a\u{323}\u{307}", "a\u{307}\u{323}", "\u{1EA1}\u{307}"],  // ạ̇
    ["\u{D55C}", "\u{1112}\u{1161}\u{11AB}"],  // 한
    ["\u{AE00}", "\u{1100}\u{1173}\u{11AF}"],  // 글
    ["\u{F1}", "n\u{303}"],  // ñ
    ["\u{1E69}", "s\u{323}\u{307}", "s\u{307}\u{323}", "\u{1E63}\u{307}"],  // ṩ
    ["\u{1F600}"], ["\u{4E2D}"], ["\u{3A9}", "\u{2126}"],  // 😀, 中, Ω and OHM SIGN
]

/// The hash of `bytes` fed to `combine(bytes:)`: the reference a string key must match.
private func bytesHash(_ bytes: [UInt8]) -> UInt64 {
    var hasher = StableHasher()
    bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    return hasher.finalize()
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

    @Test(
        "different values hash differently",
        arguments: [
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

    @Test(
        "canonically equivalent strings hash alike",
        arguments: [
            ("\u{E9}", "e\u{301}"),  // é precomposed, e + acute
            ("k0\u{E9}", "k0e\u{301}"),
            ("\u{C5}", "\u{212B}"),  // Å and ANGSTROM SIGN
            ("\u{C5}", "A\u{30A}"),  // Å and A + ring above
            ("\u{D55C}", "\u{1112}\u{1161}\u{11AB}"),  // Hangul syllable and its jamo
            ("\u{D55C}\u{AE00}", "\u{1112}\u{1161}\u{11AB}\u{1100}\u{1173}\u{11AF}"),
            ("a\u{323}\u{307}", "a\u{307}\u{323}"),  // combining marks in either order
            ("\u{1E0D}\u{307}", "d\u{307}\u{323}"),
            ("a long ASCII prefix, then \u{E9}", "a long ASCII prefix, then e\u{301}"),
        ])
    func canonicallyEquivalentStrings(lhs: String, rhs: String) {
        #expect(lhs == rhs)
        #expect(Array(lhs.utf8) != Array(rhs.utf8))
        #expect(lhs.stableHashValue == rhs.stableHashValue)
        #expect(lhs[...].stableHashValue == rhs[...].stableHashValue)
        #expect([lhs].stableHashValue == [rhs].stableHashValue)
        #expect(Optional(lhs).stableHashValue == Optional(rhs).stableHashValue)
    }

    @Test("a Substring hashes as the equal String, canonically equivalent spellings included")
    func substringMatchesEquivalentString() {
        let line = "x k0e\u{301} A\u{30A}bc \u{1112}\u{1161}\u{11AB} y"
        let words = line.split(separator: " ")
        #expect(words.map(\.stableHashValue) == ["x", "k0\u{E9}", "\u{212B}bc", "\u{D55C}", "y"].map(\.stableHashValue))
        let text = "prefix \u{C5}ngstr\u{F6}m"
        #expect(text.dropFirst(7).stableHashValue == "A\u{30A}ngstro\u{308}m".stableHashValue)
    }

    @Test("property: strings of ASCII, precomposed and combining marks that are == hash alike")
    func equalStringsHashAlike() {
        var random = SplitMix64(seed: 0x5EED)
        for round in 0..<2000 {
            let pieces = (0..<Int.random(in: 0...12, using: &random)).map { _ in
                equivalentSpellings.randomElement(using: &random)!
            }
            let lhs = pieces.map { $0.randomElement(using: &random)! }.joined()
            let rhs = pieces.map { $0.randomElement(using: &random)! }.joined()
            #expect(lhs == rhs, "round \(round)")
            #expect(lhs.stableHashValue == rhs.stableHashValue, "round \(round): \(lhs.unicodeScalars.map(\.value)) vs \(rhs.unicodeScalars.map(\.value))")
            let slices = "\(lhs)|\(rhs)".split(separator: "|", omittingEmptySubsequences: false)
            #expect(slices.map(\.stableHashValue) == [lhs, rhs].map(\.stableHashValue), "round \(round)")
        }
        // Short strings drawn independently: whichever turn out `==` (Swift's `Hashable` groups them)
        // hash alike.
        let corpus = (0..<3000).map { _ in
            (0..<Int.random(in: 0...3, using: &random)).map { _ in
                equivalentSpellings.randomElement(using: &random)!.randomElement(using: &random)!
            }.joined()
        }
        let classes = Dictionary(grouping: corpus, by: { $0 }).values
        #expect(classes.contains { Set($0.map { Array($0.utf8) }).count > 1 }, "some equal strings are spelled differently")
        for equal in classes {
            #expect(Set(equal.map(\.stableHashValue)).count == 1, "\(equal.map { $0.unicodeScalars.map(\.value) })")
        }
    }

    @Test("a string hashes as the UTF-8 bytes of its NFC form fed to combine(bytes:), at every length")
    func stringsHashTheirNFCBytes() {
        var random = SplitMix64(seed: 0xBEEF)
        for round in 0..<1000 {
            let text = (0..<Int.random(in: 0...16, using: &random)).map { _ in
                equivalentSpellings.randomElement(using: &random)!.randomElement(using: &random)!
            }.joined()
            #expect(text.stableHashValue == bytesHash(text._nfcCodeUnits), "round \(round): \(text.unicodeScalars.map(\.value))")
        }
    }

    @Test(
        "a string already in NFC hashes as its own UTF-8 bytes, as before",
        arguments: [
            "", "a", "1234567", "12345678", "123456789", "Zo\u{EB}", "Zo\u{EB} \u{1F6D2}", "k0\u{E9}", "\u{C5}",
            "\u{D55C}\u{AE00}", "\u{1E0D}\u{307}", "\u{1EA1}\u{307}", "caf\u{E9} cr\u{E8}me br\u{FB}l\u{E9}e", "\u{4E2D}\u{6587}",
        ])
    func nfcStringsHashTheirBytes(text: String) {
        #expect(text._nfcCodeUnits == Array(text.utf8), "the argument is in NFC")
        #expect(text.stableHashValue == bytesHash(Array(text.utf8)))
        #expect(text[...].stableHashValue == bytesHash(Array(text.utf8)))
    }

    @Test("a hasher that combined other words first hashes a non-ASCII string from its own state")
    func nonASCIIAfterOtherWords() {
        var expected = StableHasher()
        expected.combine(7)
        Array("k0\u{E9}".utf8).withUnsafeBytes { expected.combine(bytes: $0) }
        expected.combine(9)
        var actual = StableHasher()
        actual.combine(7)
        "k0e\u{301}".stableHash(into: &actual)
        actual.combine(9)
        #expect(actual.finalize() == expected.finalize())
    }

    @Test("a Double hashes its bit pattern as one word")
    func doubleHashesBitPattern() {
        var hasher = StableHasher()
        hasher.combine((2.75).bitPattern)
        #expect((2.75).stableHashValue == hasher.finalize())
    }

    @Test(
        "format pinning: stableHashValue of fixed keys never changes (the hash is specified, not per process)",
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
            ("\"Zoe\u{308}\"", "Zoe\u{308}".stableHashValue, UInt64(0xC2D9_6D34_B3A9_F62C)),
            ("\"k0\u{E9}\"", "k0\u{E9}".stableHashValue, UInt64(0x3865_D30F_0B69_9621)),
            ("\"k0e\u{301}\"", "k0e\u{301}".stableHashValue, UInt64(0x3865_D30F_0B69_9621)),
            ("\"\u{D55C}\"", "\u{D55C}".stableHashValue, UInt64(0x397E_AF2B_FECE_4B5C)),
            ("\"\u{1112}\u{1161}\u{11AB}\"", "\u{1112}\u{1161}\u{11AB}".stableHashValue, UInt64(0x397E_AF2B_FECE_4B5C)),
            ("Int? nil", Int?.none.stableHashValue, UInt64(0x5E4D_6DC5_0256_FCC3)),
            ("Int? 0", Int?.some(0).stableHashValue, UInt64(0xED26_22E8_2291_02CA)),
            ("[1, 2]", [1, 2].stableHashValue, UInt64(0xEFE6_7173_37BB_5DC8)),
        ])
    func formatPinning(label: String, actual: UInt64, expected: UInt64) {
        #expect(actual == expected, "\(label)")
    }
}
