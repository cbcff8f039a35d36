extension Optional: FlowCodable where Wrapped: FlowCodable {
    /// Writes a presence byte, 0 for `nil` or 1 followed by the wrapped value.
    ///
    /// Nested optionals nest presence bytes: `Int??.some(nil)` is `01 00`.
    ///
    /// - Complexity: O(size of the wrapped value's encoding).
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        switch self {
        case .none:
            writer.write(UInt8(0))
        case .some(let wrapped):
            writer.write(UInt8(1))
            wrapped.encode(to: &writer)
        }
    }

    /// Reads a presence byte and, if it is 1, the wrapped value; any other byte is malformed.
    ///
    /// - Complexity: O(size of the wrapped value's encoding).
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        let at = reader.offset
        switch try reader.readLittleEndian(UInt8.self, naming: Self.self) {
        case 0:
            self = .none
        case 1:
            self = .some(try Wrapped(from: &reader))
        case let byte:
            throw Malformed.invalid(Self.self, at: at, "presence byte \(byte) is neither 0 nor 1")
        }
    }
}
