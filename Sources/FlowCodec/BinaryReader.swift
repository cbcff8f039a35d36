public import FlowCore

/// A cursor over encoded bytes that mirrors every ``BinaryWriter`` write with a checked read.
///
/// Every read checks that enough bytes remain and throws `FlowError(.malformedData, …)` naming
/// the type being read, the byte offset, and how many bytes were needed and available. A length
/// or count prefix is checked against the remaining bytes before anything is allocated, so
/// corrupt input can never cause a huge allocation.
///
/// ```swift
/// var reader = BinaryReader(frame)
/// let version = try reader.read(UInt8.self)
/// let name = try reader.readString()
/// guard reader.isAtEnd else { … }
/// ```
///
/// ## Concurrency
/// A value type owned by whoever decodes from it; it shares the bytes copy-on-write.
public struct BinaryReader: Sendable {
    /// The bytes being read; offsets are relative to `storage.startIndex`.
    @usableFromInline
    internal let storage: ArraySlice<UInt8>

    /// The offset of the next byte to read, in `0...storage.count`.
    @usableFromInline
    internal var position: Int

    /// Creates a reader positioned at the first of `bytes`.
    public init(_ bytes: [UInt8]) {
        storage = bytes[...]
        position = 0
    }

    /// Creates a reader positioned at the first of `bytes`; offsets count from the slice's start.
    public init(_ bytes: ArraySlice<UInt8>) {
        storage = bytes
        position = 0
    }

    /// The number of bytes read so far: the offset of the next byte.
    @inlinable
    public var offset: Int { position }

    /// The number of bytes not read yet.
    @inlinable
    public var remaining: Int { storage.count &- position }

    /// Whether every byte has been read.
    @inlinable
    public var isAtEnd: Bool { position >= storage.count }

    /// The next byte, without consuming it; `nil` at the end.
    @inlinable
    internal func peekByte() -> UInt8? {
        isAtEnd ? nil : storage[storage.startIndex &+ position]
    }

    // MARK: Fixed width

    /// Reads a `T` from `MemoryLayout<T>.size` little-endian bytes; errors name `named`.
    @inlinable
    internal mutating func readLittleEndian<T: FixedWidthInteger>(
        _ type: T.Type, naming named: Any.Type
    ) throws(FlowError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else {
            throw Malformed.truncated(named, at: position, needed: size, available: remaining)
        }
        let at = position
        let value = storage.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: T.self) }
        position = at &+ size
        return T(littleEndian: value)
    }

    /// Reads a `T` written by `BinaryWriter.write(_:)`.
    ///
    /// - Complexity: O(1).
    @inlinable
    public mutating func read<T: FixedWidthInteger>(_ type: T.Type = T.self) throws(FlowError) -> T {
        try readLittleEndian(T.self, naming: T.self)
    }

    /// Reads a `Double` from its 8-byte little-endian bit pattern.
    ///
    /// - Complexity: O(1).
    @inlinable
    public mutating func read(_ type: Double.Type) throws(FlowError) -> Double {
        Double(bitPattern: try readLittleEndian(UInt64.self, naming: Double.self))
    }

    /// Reads a `Float` from its 4-byte little-endian bit pattern.
    ///
    /// - Complexity: O(1).
    @inlinable
    public mutating func read(_ type: Float.Type) throws(FlowError) -> Float {
        Float(bitPattern: try readLittleEndian(UInt32.self, naming: Float.self))
    }

    /// Reads a `Bool` from one byte; any byte other than 0 or 1 is malformed.
    ///
    /// - Complexity: O(1).
    @inlinable
    public mutating func read(_ type: Bool.Type) throws(FlowError) -> Bool {
        let byte = try readLittleEndian(UInt8.self, naming: Bool.self)
        guard byte <= 1 else {
            throw Malformed.invalid(Bool.self, at: position &- 1, "byte \(byte) is neither 0 nor 1")
        }
        return byte == 1
    }

    // MARK: Varints

    /// Reads an LEB128 varint; errors call it the `role` of `type` (for example "String length").
    @inlinable
    internal mutating func readVarint(_ role: StaticString, of type: Any.Type) throws(FlowError) -> UInt64 {
        let start = position
        let base = storage.startIndex
        var index = start
        var shift: UInt64 = 0
        var result: UInt64 = 0
        while true {
            guard index < storage.count else {
                throw Malformed.truncated(
                    "\(type) \(role)", at: start, needed: index &- start &+ 1, available: storage.count &- start
                )
            }
            let byte = storage[base &+ index]
            if shift == 63 && byte > 1 {
                throw Malformed.invalid(
                    "\(type) \(role)", at: start,
                    byte & 0x80 != 0 ? "varint longer than 10 bytes" : "varint overflows 64 bits"
                )
            }
            result |= UInt64(byte & 0x7F) &<< shift
            index &+= 1
            if byte & 0x80 == 0 {
                position = index
                return result
            }
            shift &+= 7
        }
    }

    /// Reads an LEB128 varint written by ``BinaryWriter/writeVarint(_:)``; more than 10 bytes, or
    /// a value over 64 bits, is malformed.
    ///
    /// - Complexity: O(1).
    @inlinable
    public mutating func readVarint() throws(FlowError) -> UInt64 {
        try readVarint("varint", of: UInt64.self)
    }

    /// Reads a zigzag varint written by ``BinaryWriter/writeZigZag(_:)``.
    ///
    /// - Complexity: O(1).
    @inlinable
    public mutating func readZigZag() throws(FlowError) -> Int64 {
        let raw = try readVarint("zigzag varint", of: Int64.self)
        return Int64(bitPattern: (raw &>> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads a varint count or length (`role`) of `type` and checks that `count * minimumBytesEach` bytes
    /// remain, before the caller allocates anything for it.
    @inlinable
    internal mutating func readCount(
        _ role: StaticString = "count", of type: Any.Type, minimumBytesEach: Int
    ) throws(FlowError) -> Int {
        let start = position
        let count = try readVarint(role, of: type)
        let each = UInt64(max(minimumBytesEach, 0))
        let (needed, overflow) = count.multipliedReportingOverflow(by: each)
        guard !overflow, needed <= UInt64(remaining) else {
            throw Malformed.countTooLarge(
                type, role, count, at: start,
                bytesNeeded: overflow ? "more than 2^64 bytes" : "at least \(needed) bytes", available: remaining
            )
        }
        // count <= remaining (or each == 0, where the caller allocates nothing per element).
        guard count <= UInt64(Int.max) else {
            throw Malformed.invalid(type, at: start, "\(role) \(count) does not fit in Int")
        }
        return Int(count)
    }

    // MARK: Byte runs

    /// Reads the next `count` bytes as they are (the mirror of ``BinaryWriter/writeBytes(_:)``).
    ///
    /// - Complexity: O(1): the slice shares the reader's storage.
    @inlinable
    public mutating func readBytes(count: Int) throws(FlowError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw Malformed.truncated("byte run", at: position, needed: count, available: remaining)
        }
        let start = storage.startIndex &+ position
        position &+= count
        return storage[start..<(start &+ count)]
    }

    /// Reads a varint length, then that many bytes, as a slice of the reader's storage.
    ///
    /// - Complexity: O(1).
    @inlinable
    public mutating func readLengthPrefixedSlice() throws(FlowError) -> ArraySlice<UInt8> {
        let length = try readCount("length", of: [UInt8].self, minimumBytesEach: 1)
        return try readBytes(count: length)
    }

    /// Reads a varint length, then that many bytes (the mirror of
    /// `BinaryWriter.writeLengthPrefixedBytes(_:)`).
    ///
    /// - Complexity: O(length).
    @inlinable
    public mutating func readLengthPrefixedBytes() throws(FlowError) -> [UInt8] {
        Array(try readLengthPrefixedSlice())
    }

    /// Reads a varint length, then that many bytes of UTF-8; invalid UTF-8 is malformed.
    ///
    /// - Complexity: O(length).
    @inlinable
    public mutating func readString() throws(FlowError) -> String {
        let length = try readCount("length", of: String.self, minimumBytesEach: 1)
        let at = position
        let string = storage.withUnsafeBufferPointer { buffer in
            String(validating: UnsafeBufferPointer(rebasing: buffer[at..<(at &+ length)]), as: UTF8.self)
        }
        guard let string else {
            throw Malformed.invalid(String.self, at: at, "the \(length) bytes are not valid UTF-8")
        }
        position = at &+ length
        return string
    }
}
