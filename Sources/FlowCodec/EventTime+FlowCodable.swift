public import FlowCore

extension EventTime: FixedWidthFlowCodable {
    /// 8: the milliseconds as a little-endian `Int64`.
    @inlinable
    public static var encodedByteCount: Int { 8 }

    /// Writes the milliseconds as an 8-byte little-endian `Int64`.
    ///
    /// - Complexity: O(1).
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        writer.write(milliseconds)
    }

    /// Reads the milliseconds from an 8-byte little-endian `Int64`.
    ///
    /// - Complexity: O(1).
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        self.init(milliseconds: try reader.readLittleEndian(Int64.self, naming: EventTime.self))
    }
}
