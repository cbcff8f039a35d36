/// A ``FlowCodable`` whose encoding is always ``encodedByteCount`` bytes, and is exactly the value's
/// in-memory representation on a little-endian host.
///
/// Arrays of such values are encoded and decoded with one `memcpy` instead of a loop, when the
/// host is little-endian and the type is trivial (`_isPOD`) with
/// `MemoryLayout<Self>.size == MemoryLayout<Self>.stride == encodedByteCount`. So adopt this
/// protocol only if every bit pattern of that size is a valid value and ``FlowCodable/encode(to:)``
/// writes the little-endian in-memory bytes (the integer and floating-point types, ``EventTime``,
/// ``Watermark`` and ``KeyGroup`` do; `Bool` does not, as only 0 and 1 are valid).
public protocol FixedWidthFlowCodable: FlowCodable {
    /// The number of bytes every encoding of this type takes.
    static var encodedByteCount: Int { get }
}

extension FixedWidthFlowCodable {
    /// Whether arrays of `Self` may be copied to and from their encoding in bulk on this host.
    @inlinable
    internal static var isBulkCopyable: Bool {
        #if _endian(little)
        return _isPOD(Self.self)
            && MemoryLayout<Self>.size == encodedByteCount
            && MemoryLayout<Self>.stride == encodedByteCount
        #else
        return false
        #endif
    }
}

extension FixedWidthFlowCodable where Self: FixedWidthInteger {
    /// `MemoryLayout<Self>.size`.
    @inlinable
    public static var encodedByteCount: Int { MemoryLayout<Self>.size }

    /// Writes the value as `MemoryLayout<Self>.size` little-endian bytes.
    ///
    /// - Complexity: O(1).
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        writer.write(self)
    }

    /// Reads the value from `MemoryLayout<Self>.size` little-endian bytes.
    ///
    /// - Complexity: O(1).
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        self = try reader.read(Self.self)
    }
}

extension Int8: FixedWidthFlowCodable {}
extension Int16: FixedWidthFlowCodable {}
extension Int32: FixedWidthFlowCodable {}
extension Int64: FixedWidthFlowCodable {}
extension UInt8: FixedWidthFlowCodable {}
extension UInt16: FixedWidthFlowCodable {}
extension UInt32: FixedWidthFlowCodable {}
extension UInt64: FixedWidthFlowCodable {}
extension Int128: FixedWidthFlowCodable {}
extension UInt128: FixedWidthFlowCodable {}

extension Int: FixedWidthFlowCodable {
    /// Always 8: an `Int` is encoded as an `Int64` on every platform.
    @inlinable
    public static var encodedByteCount: Int { 8 }

    /// Writes the value as an 8-byte little-endian `Int64`.
    ///
    /// - Complexity: O(1).
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        writer.write(Int64(self))
    }

    /// Reads an 8-byte little-endian `Int64`; a value this platform's `Int` cannot hold is malformed.
    ///
    /// - Complexity: O(1).
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        let at = reader.offset
        let wide = try reader.readLittleEndian(Int64.self, naming: Int.self)
        guard let value = Int(exactly: wide) else {
            throw Malformed.invalid(Int.self, at: at, "\(wide) does not fit in a \(Int.bitWidth)-bit Int")
        }
        self = value
    }
}

extension UInt: FixedWidthFlowCodable {
    /// Always 8: a `UInt` is encoded as a `UInt64` on every platform.
    @inlinable
    public static var encodedByteCount: Int { 8 }

    /// Writes the value as an 8-byte little-endian `UInt64`.
    ///
    /// - Complexity: O(1).
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        writer.write(UInt64(self))
    }

    /// Reads an 8-byte little-endian `UInt64`; a value this platform's `UInt` cannot hold is malformed.
    ///
    /// - Complexity: O(1).
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        let at = reader.offset
        let wide = try reader.readLittleEndian(UInt64.self, naming: UInt.self)
        guard let value = UInt(exactly: wide) else {
            throw Malformed.invalid(UInt.self, at: at, "\(wide) does not fit in a \(UInt.bitWidth)-bit UInt")
        }
        self = value
    }
}

extension Double: FixedWidthFlowCodable {
    /// 8: the IEEE 754 bit pattern.
    @inlinable
    public static var encodedByteCount: Int { 8 }

    /// Writes the 8-byte little-endian bit pattern (NaN payloads and `-0.0` survive).
    ///
    /// - Complexity: O(1).
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        writer.write(self)
    }

    /// Reads the 8-byte little-endian bit pattern.
    ///
    /// - Complexity: O(1).
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        self = try reader.read(Double.self)
    }
}

extension Float: FixedWidthFlowCodable {
    /// 4: the IEEE 754 bit pattern.
    @inlinable
    public static var encodedByteCount: Int { 4 }

    /// Writes the 4-byte little-endian bit pattern.
    ///
    /// - Complexity: O(1).
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        writer.write(self)
    }

    /// Reads the 4-byte little-endian bit pattern.
    ///
    /// - Complexity: O(1).
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        self = try reader.read(Float.self)
    }
}
