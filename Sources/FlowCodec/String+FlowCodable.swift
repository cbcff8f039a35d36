extension String: FlowCodable {
    /// Writes the UTF-8 length as a varint, then the UTF-8 bytes.
    ///
    /// - Complexity: O(UTF-8 length).
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(self)
    }

    /// Reads a varint length and that many bytes of UTF-8; invalid UTF-8 is malformed.
    ///
    /// - Complexity: O(UTF-8 length).
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        self = try reader.readString()
    }
}
