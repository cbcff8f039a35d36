/// A 64-bit hasher whose output is the same in every process, on every run and every machine.
///
/// Swift's `Hasher` is seeded per process, so it cannot assign keys to key groups: a key must land
/// in the same key group in every worker and after a restore. `StableHasher` is a fixed
/// algorithm (specified in `Specs/KeyGroups.md`): each 64-bit word is mixed into the state with a
/// multiply-rotate step, and ``finalize()`` applies the MurmurHash3 64-bit finalizer. Changing it
/// changes where keys live, so it is versioned with the savepoint format.
@frozen
public struct StableHasher: Sendable {
    @usableFromInline
    internal var _state: UInt64
    @usableFromInline
    internal var _length: UInt64

    /// Creates a hasher with the given seed (0 for key groups).
    @inlinable
    public init(seed: UInt64 = 0) {
        _state = seed ^ 0x9E37_79B9_7F4A_7C15
        _length = 0
    }

    /// Mixes one 64-bit word into the state.
    ///
    /// - Complexity: O(1).
    @inlinable
    public mutating func combine(_ word: UInt64) {
        var k = word &* 0x87C3_7B91_1142_53D5
        k = (k << 31) | (k >> 33)
        k = k &* 0x4CF5_AD43_2745_937F
        _state ^= k
        _state = ((_state << 27) | (_state >> 37)) &* 5 &+ 0x52DC_E729
        _length &+= 8
    }

    /// Mixes bytes into the state, eight at a time, little-endian, then their count.
    ///
    /// - Complexity: O(bytes.count).
    @inlinable
    public mutating func combine(bytes: UnsafeRawBufferPointer) {
        _ = _combineReportingBits(bytes: bytes)
    }

    /// Mixes bytes exactly as ``combine(bytes:)`` does and returns the bitwise OR of the byte words
    /// mixed (not of the count), so a caller learns whether any byte is 0x80 or above.
    ///
    /// - Complexity: O(bytes.count).
    @inlinable @inline(__always)
    internal mutating func _combineReportingBits(bytes: UnsafeRawBufferPointer) -> UInt64 {
        var bits: UInt64 = 0
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            bits |= word
            combine(word)
            index += 8
        }
        if index < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < count {
                tail |= UInt64(bytes[index]) << shift
                shift += 8
                index += 1
            }
            bits |= tail
            combine(tail)
        }
        combine(UInt64(count))
        return bits
    }

    /// Mixes the UTF-8 bytes of `string`'s NFC normalization exactly as ``combine(bytes:)`` would mix
    /// them (full little-endian words, the zero-padded tail word if any, then the byte count),
    /// without storing them: the slow path of a `String` or `Substring` key with a byte 0x80 or above.
    ///
    /// - Complexity: O(n) in the length of `string`, plus the normalization.
    @inline(never) @usableFromInline
    internal mutating func _combineNFCBytes(of string: String) {
        var word: UInt64 = 0
        var shift: UInt64 = 0
        var count: UInt64 = 0
        string._withNFCCodeUnits { byte in
            word |= UInt64(byte) << shift
            shift += 8
            count += 1
            if shift == 64 {
                combine(word)
                word = 0
                shift = 0
            }
        }
        if shift != 0 { combine(word) }
        combine(count)
    }

    /// The hash of everything combined so far (MurmurHash3 `fmix64` of the state).
    @inlinable
    public func finalize() -> UInt64 {
        StableHasher.mix(_state ^ _length)
    }

    /// The MurmurHash3 64-bit finalizer: a bijection that spreads every input bit over the output.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
