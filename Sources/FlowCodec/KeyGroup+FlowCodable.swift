public import FlowCore

extension KeyGroup: FixedWidthFlowCodable {
    /// 8: the index as a little-endian `Int64`.
    @inlinable
    public static var encodedByteCount: Int { 8 }

    /// Writes the index as an 8-byte little-endian `Int64`.
    ///
    /// - Complexity: O(1).
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        writer.write(Int64(index))
    }

    /// Reads the index from an 8-byte little-endian `Int64`; an index this platform's `Int` cannot
    /// hold is malformed.
    ///
    /// - Complexity: O(1).
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        let at = reader.offset
        let wide = try reader.readLittleEndian(Int64.self, naming: KeyGroup.self)
        guard let index = Int(exactly: wide) else {
            throw Malformed.invalid(KeyGroup.self, at: at, "index \(wide) does not fit in Int")
        }
        self.init(index)
    }
}
