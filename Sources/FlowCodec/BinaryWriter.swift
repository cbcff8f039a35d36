/// A growable byte buffer that values are encoded into: little-endian fixed-width numbers, LEB128
/// varints, and length-prefixed byte runs and strings.
///
/// ```swift
/// var writer = BinaryWriter(capacity: 64)
/// writer.write(Int32(1))        // 01 00 00 00
/// writer.writeVarint(300)       // AC 02
/// writer.writeString("hé")      // 03 68 C3 A9
/// send(writer.bytes)
/// writer.reset()                // reuse the allocation for the next frame
/// ```
///
/// ## Concurrency
/// A value type owned by whoever encodes into it; copies are independent (copy-on-write).
public struct BinaryWriter: Sendable {
    /// The bytes written so far.
    @usableFromInline
    internal var storage: [UInt8]

    /// Creates an empty writer that can hold `capacity` bytes before it grows.
    public init(capacity: Int = 256) {
        storage = []
        storage.reserveCapacity(max(0, capacity))
    }

    /// The bytes written so far.
    @inlinable
    public var bytes: [UInt8] { storage }

    /// The number of bytes written so far.
    @inlinable
    public var count: Int { storage.count }

    /// Forgets the bytes written, keeping the allocated capacity for reuse.
    @inlinable
    public mutating func reset() {
        storage.removeAll(keepingCapacity: true)
    }

    // MARK: Fixed width

    /// Writes `value` as `MemoryLayout<T>.size` little-endian bytes.
    ///
    /// `Int` and `UInt` are written with their platform width here; their ``FlowCodable`` encoding
    /// always uses 8 bytes.
    ///
    /// - Complexity: O(1) amortized.
    @inlinable
    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { storage.append(contentsOf: $0) }
    }

    /// Writes the IEEE 754 bit pattern of `d` as 8 little-endian bytes (NaN payloads and the sign
    /// of zero are kept).
    ///
    /// - Complexity: O(1) amortized.
    @inlinable
    public mutating func write(_ d: Double) {
        write(d.bitPattern)
    }

    /// Writes the IEEE 754 bit pattern of `f` as 4 little-endian bytes.
    ///
    /// - Complexity: O(1) amortized.
    @inlinable
    public mutating func write(_ f: Float) {
        write(f.bitPattern)
    }

    /// Writes `b` as one byte, 0 or 1.
    ///
    /// - Complexity: O(1) amortized.
    @inlinable
    public mutating func write(_ b: Bool) {
        storage.append(b ? 1 : 0)
    }

    // MARK: Varints

    /// Writes `value` as an LEB128 varint: 7 bits per byte, low bits first, high bit set on every
    /// byte but the last (1 to 10 bytes; 300 is `AC 02`).
    ///
    /// - Complexity: O(1) amortized.
    @inlinable
    public mutating func writeVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            storage.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest &>>= 7
        }
        storage.append(UInt8(truncatingIfNeeded: rest))
    }

    /// Writes `value` zigzag-mapped (0, -1, 1, -2, … become 0, 1, 2, 3, …) as a varint, so small
    /// negative numbers stay short (-1 is `01`).
    ///
    /// - Complexity: O(1) amortized.
    @inlinable
    public mutating func writeZigZag(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value &<< 1) ^ (value >> 63)))
    }

    // MARK: Byte runs

    /// Appends `raw` as is, without a length prefix.
    ///
    /// - Complexity: O(`raw.count`) amortized.
    @inlinable
    public mutating func writeBytes(_ raw: UnsafeRawBufferPointer) {
        storage.append(contentsOf: raw)
    }

    /// Writes the length of `raw` as a varint, then its bytes.
    ///
    /// - Complexity: O(`raw.count`) amortized.
    @inlinable
    public mutating func writeLengthPrefixedBytes(_ raw: UnsafeRawBufferPointer) {
        writeVarint(UInt64(raw.count))
        storage.append(contentsOf: raw)
    }

    /// Writes the length of `bytes` as a varint, then the bytes.
    ///
    /// - Complexity: O(`bytes.count`) amortized.
    @inlinable
    public mutating func writeLengthPrefixedBytes(_ bytes: [UInt8]) {
        writeVarint(UInt64(bytes.count))
        storage.append(contentsOf: bytes)
    }

    /// Writes the UTF-8 length of `string` as a varint, then its UTF-8 bytes.
    ///
    /// - Complexity: O(UTF-8 length) amortized.
    @inlinable
    public mutating func writeString(_ string: String) {
        var copy = string
        copy.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            storage.append(contentsOf: utf8)
        }
    }
}
