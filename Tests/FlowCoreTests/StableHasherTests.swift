import FlowCore
import Testing

@Suite struct StableHasherTests {
    private func hash(seed: UInt64 = 0, _ words: [UInt64]) -> UInt64 {
        var hasher = StableHasher(seed: seed)
        for word in words { hasher.combine(word) }
        return hasher.finalize()
    }

    private func hash(bytes: [UInt8]) -> UInt64 {
        var hasher = StableHasher()
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.finalize()
    }

    @Test("the same words give the same hash; another order or another seed gives another")
    func determinism() {
        #expect(hash([1, 2, 3]) == hash([1, 2, 3]))
        #expect(hash([1, 2, 3]) != hash([3, 2, 1]))
        #expect(hash([1, 2]) != hash([1, 2, 0]))
        #expect(hash(seed: 0, [1]) != hash(seed: 1, [1]))
    }

    @Test("finalize does not change the state")
    func finalizeIsPure() {
        var hasher = StableHasher()
        hasher.combine(99)
        let first = hasher.finalize()
        #expect(hasher.finalize() == first)
        hasher.combine(100)
        #expect(hasher.finalize() == hash([99, 100]))
    }

    @Test("bytes are combined as little-endian words, then a partial tail word, then the byte count")
    func bytesAsWords() {
        let eight: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        #expect(hash(bytes: eight) == hash([0x0807_0605_0403_0201, 8]))
        let eleven: [UInt8] = eight + [9, 10, 11]
        #expect(hash(bytes: eleven) == hash([0x0807_0605_0403_0201, 0x0B_0A09, 11]))
        #expect(hash(bytes: []) == hash([0]))
    }

    @Test("mix is MurmurHash3's fmix64 (reference values)")
    func mixReferenceValues() {
        #expect(StableHasher.mix(0) == 0)
        #expect(StableHasher.mix(1) == 0xB456_BCFC_34C2_CB2C)
    }

    @Test("mix is injective over a sample")
    func mixIsInjectiveOnSample() {
        let inputs = (0..<10_000).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        #expect(Set(inputs.map(StableHasher.mix)).count == inputs.count)
    }

    @Test(
        "format pinning: frozen outputs of the StableHasher algorithm (key groups must never move)",
        arguments: [
            (UInt64(0), [UInt64](), UInt64(0x9CA0_66F1_A4AB_2EEA)),
            (UInt64(1), [UInt64](), UInt64(0x25B7_75FA_ECA8_F520)),
            (UInt64(0), [UInt64(0x0102_0304_0506_0708), .max], UInt64(0x4B6D_ED28_AD76_C1A3)),
        ])
    func formatPinning(seed: UInt64, words: [UInt64], expected: UInt64) {
        #expect(hash(seed: seed, words) == expected)
    }
}
