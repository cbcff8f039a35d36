public import FlowCore

extension Watermark: FixedWidthFlowCodable {
    /// 8: the time's milliseconds as a little-endian `Int64`.
    @inlinable
    public static var encodedByteCount: Int { 8 }

    /// Writes the time's milliseconds as an 8-byte little-endian `Int64`.
    ///
    /// - Complexity: O(1).
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        writer.write(time.milliseconds)
    }

    /// Reads the time's milliseconds from an 8-byte little-endian `Int64`.
    ///
    /// - Complexity: O(1).
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        self.init(EventTime(milliseconds: try reader.readLittleEndian(Int64.self, naming: Watermark.self)))
    }
}
