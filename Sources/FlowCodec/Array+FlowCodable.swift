extension Array: FlowCodable where Element: FlowCodable {
    /// Writes the count as a varint, then the elements in order.
    ///
    /// Arrays of a bulk-copyable ``FixedWidthFlowCodable`` (the integer and floating-point types on
    /// a little-endian host) are written with one copy of their memory; the bytes are the same as
    /// the element-by-element encoding.
    ///
    /// - Complexity: O(size of the encoding).
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        writer.writeVarint(UInt64(count))
        if let fixed = Element.self as? any FixedWidthFlowCodable.Type, fixed.isBulkCopyable {
            withUnsafeBytes { writer.writeBytes($0) }
        } else {
            for element in self {
                element.encode(to: &writer)
            }
        }
    }

    /// Reads a varint count, then that many elements.
    ///
    /// The count is checked against the remaining bytes (each element takes at least one byte, a
    /// fixed-width one exactly ``FixedWidthFlowCodable/encodedByteCount``) before any allocation.
    ///
    /// - Complexity: O(size of the encoding).
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        if let fixed = Element.self as? any FixedWidthFlowCodable.Type {
            let width = fixed.encodedByteCount
            let count = try reader.readCount(of: Self.self, minimumBytesEach: width)
            if fixed.isBulkCopyable {
                let bytes = try reader.readBytes(count: count &* width)
                self = Array(unsafeUninitializedCapacity: count) { buffer, initialized in
                    bytes.withUnsafeBytes { source in
                        UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                    }
                    initialized = count
                }
                return
            }
            self = try Self.decodeElements(count: count, from: &reader)
        } else {
            let count = try reader.readCount(of: Self.self, minimumBytesEach: 1)
            self = try Self.decodeElements(count: count, from: &reader)
        }
    }

    /// Reads `count` elements one by one; `count` has been checked against the remaining bytes.
    @inlinable
    internal static func decodeElements(count: Int, from reader: inout BinaryReader) throws -> Self {
        var result = Self()
        result.reserveCapacity(count)
        for _ in 0..<count {
            result.append(try Element(from: &reader))
        }
        return result
    }
}
