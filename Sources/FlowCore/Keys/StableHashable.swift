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
public protocol StableHashable {
    /// Feeds this value's identity into `hasher`; equal values must feed equal words.
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
    /// Hashes the UTF-8 bytes of the string (its native encoding: no transcoding).
    @inlinable public func stableHash(into hasher: inout StableHasher) {
        var copy = self
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
extension Substring: StableHashable {
    @inlinable public func stableHash(into hasher: inout StableHasher) {
        var copy = self
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
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
