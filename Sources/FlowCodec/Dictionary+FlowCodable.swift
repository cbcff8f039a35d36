extension Dictionary: FlowCodable where Key: FlowCodable, Value: FlowCodable {
    /// Writes the count as a varint, then each key followed by its value, in iteration order.
    ///
    /// - Complexity: O(size of the encoding).
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        writer.writeVarint(UInt64(count))
        for (key, value) in self {
            key.encode(to: &writer)
            value.encode(to: &writer)
        }
    }

    /// Reads a varint count, then that many key-value pairs; a repeated key is malformed.
    ///
    /// - Complexity: O(size of the encoding).
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        let count = try reader.readCount(of: Self.self, minimumBytesEach: 2)
        var result = Self(minimumCapacity: count)
        for _ in 0..<count {
            let at = reader.offset
            let key = try Key(from: &reader)
            let value = try Value(from: &reader)
            guard result.updateValue(value, forKey: key) == nil else {
                throw Malformed.duplicateKey(key, in: Self.self, at: at)
            }
        }
        self = result
    }
}
