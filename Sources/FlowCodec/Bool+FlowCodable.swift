extension Bool: FlowCodable {
    /// Writes one byte: 1 for `true`, 0 for `false`.
    ///
    /// - Complexity: O(1).
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        writer.write(self)
    }

    /// Reads one byte; any byte other than 0 or 1 is malformed.
    ///
    /// - Complexity: O(1).
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        self = try reader.read(Bool.self)
    }
}
