/// A key that can be hashed the same way in every process, so it can be assigned to a key group.
///
/// Keys of `KeyBy` must conform. Integers, strings, booleans, floating-point numbers, optionals
/// and arrays of stable-hashable values conform already; a struct key conforms by combining its
/// fields:
///
/// ```swift
/// struct Route: Hashable, Sendable, StableHashable {
///     var from: String, to: String
///     func stableHash(into hasher: inout StableHasher) {
///         from.stableHash(into: &hasher)
///         to.stableHash(into: &hasher)
///     }
/// }
/// ```
///
/// A stable hash must agree with `==`: values that are equal by `==` must feed equal words, or two
/// equal keys can be owned by two parallel instances. So `0.0` and `-0.0` hash alike, and a string
/// hashes its canonical (NFC) form, as Swift's `String` equality is canonical equivalence.
public protocol StableHashable {
    /// Feeds this value's identity into `hasher`; values equal by `==` must feed equal words.
    func stableHash(into hasher: inout StableHasher)
}

extension StableHashable {
    /// This value's stable 64-bit hash.
    @inlinable
    public var stableHashValue: UInt64 {
        var hasher = StableHasher()
        stableHash(into: &hasher)
        return hasher.finalize()
    }
}

extension Int: StableHashable {
    @inlinable public func stableHash(into hasher: inout StableHasher) { hasher.combine(UInt64(bitPattern: Int64(self))) }
}
extension Int64: StableHashable {
    @inlinable public func stableHash(into hasher: inout StableHasher) { hasher.combine(UInt64(bitPattern: self)) }
}
extension Int32: StableHashable {
    @inlinable public func stableHash(into hasher: inout StableHasher) { hasher.combine(UInt64(bitPattern: Int64(self))) }
}
extension Int16: StableHashable {
    @inlinable public func stableHash(into hasher: inout StableHasher) { hasher.combine(UInt64(bitPattern: Int64(self))) }
}
extension Int8: StableHashable {
    @inlinable public func stableHash(into hasher: inout StableHasher) { hasher.combine(UInt64(bitPattern: Int64(self))) }
}
extension UInt: StableHashable {
    @inlinable public func stableHash(into hasher: inout StableHasher) { hasher.combine(UInt64(self)) }
}
extension UInt64: StableHashable {
    @inlinable public func stableHash(into hasher: inout StableHasher) { hasher.combine(self) }
}
extension UInt32: StableHashable {
    @inlinable public func stableHash(into hasher: inout StableHasher) { hasher.combine(UInt64(self)) }
}
extension UInt16: StableHashable {
    @inlinable public func stableHash(into hasher: inout StableHasher) { hasher.combine(UInt64(self)) }
}
extension UInt8: StableHashable {
    @inlinable public func stableHash(into hasher: inout StableHasher) { hasher.combine(UInt64(self)) }
}
extension Bool: StableHashable {
    @inlinable public func stableHash(into hasher: inout StableHasher) { hasher.combine(self ? 1 : 0) }
}
extension Double: StableHashable {
    /// Hashes the bit pattern; `0.0` and `-0.0` hash alike, as they compare equal.
    @inlinable public func stableHash(into hasher: inout StableHasher) {
        hasher.combine(self == 0 ? 0 : bitPattern)
    }
}
extension Float: StableHashable {
    @inlinable public func stableHash(into hasher: inout StableHasher) {
        hasher.combine(self == 0 ? 0 : UInt64(bitPattern))
    }
}
extension String: StableHashable {
    /// Hashes the UTF-8 bytes of the string's NFC normalization, as ``StableHasher/combine(bytes:)``
    /// does, so canonically equivalent strings (which are `==`) hash alike.
    ///
    /// Bytes below 0x80 are their own NFC form, so such a string hashes its bytes in one pass; a
    /// string with any other byte is hashed again, from the original state, through its NFC bytes.
    /// A string already in NFC hashes as its bytes either way.
    ///
    /// - Complexity: O(n) in the UTF-8 length; one pass if every byte is below 0x80, else a
    ///   second through the standard library's NFC, which calls a closure per byte (tens of
    ///   nanoseconds per character of a non-ASCII key).
    @inlinable public func stableHash(into hasher: inout StableHasher) {
        var copy = self
        var bytesHasher = hasher
        let bits = copy.withUTF8 { bytesHasher._combineReportingBits(bytes: UnsafeRawBufferPointer($0)) }
        if bits & 0x8080_8080_8080_8080 == 0 {
            hasher = bytesHasher
        } else {
            hasher._combineNFCBytes(of: copy)
        }
    }
}
extension Substring: StableHashable {
    /// Hashes as the equal `String`: its UTF-8 bytes if all are below 0x80, else the UTF-8 bytes of
    /// the NFC normalization of `String(self)`.
    ///
    /// - Complexity: O(n) in the UTF-8 length; one pass if every byte is below 0x80.
    @inlinable public func stableHash(into hasher: inout StableHasher) {
        var copy = self
        var bytesHasher = hasher
        let bits = copy.withUTF8 { bytesHasher._combineReportingBits(bytes: UnsafeRawBufferPointer($0)) }
        if bits & 0x8080_8080_8080_8080 == 0 {
            hasher = bytesHasher
        } else {
            hasher._combineNFCBytes(of: String(copy))
        }
    }
}
extension Optional: StableHashable where Wrapped: StableHashable {
    @inlinable public func stableHash(into hasher: inout StableHasher) {
        switch self {
        case .none: hasher.combine(0)
        case .some(let value):
            hasher.combine(1)
            value.stableHash(into: &hasher)
        }
    }
}
extension Array: StableHashable where Element: StableHashable {
    @inlinable public func stableHash(into hasher: inout StableHasher) {
        hasher.combine(UInt64(count))
        for element in self { element.stableHash(into: &hasher) }
    }
}
