/// Stores a `Codable` value where a ``FlowCodable`` one is required (keyed state, checkpoints),
/// through ``FlowBinaryEncoder`` and ``FlowBinaryDecoder``.
///
/// ```swift
/// struct Session: Codable, Sendable { var user: String; var pages: [String] }
/// let bytes = CodableBox(session).encoded()
/// let back = try CodableBox<Session>(decoding: bytes).value
/// ```
///
/// The encoding is a varint length followed by the value's ``FlowBinaryEncoder`` bytes, so a
/// decoder can check that the value used exactly its own bytes. A type that can adopt
/// ``FlowCodable`` directly is smaller and faster to encode.
public struct CodableBox<Value: Codable & Sendable>: FlowCodable {
    /// The wrapped value.
    public var value: Value

    /// Wraps `value`.
    public init(_ value: Value) {
        self.value = value
    }

    /// Writes the length of the value's ``FlowBinaryEncoder`` encoding as a varint, then the encoding.
    ///
    /// - Precondition: `value.encode(to:)` does not throw (``FlowBinaryEncoder`` itself never
    ///   does, nor does any synthesized conformance): ``FlowCodable/encode(to:)`` cannot report an
    ///   error, so a throwing value stops the process with the error rather than store bad bytes.
    /// - Complexity: O(size of the encoding).
    public func encode(to writer: inout BinaryWriter) {
        let bytes: [UInt8]
        do {
            bytes = try FlowBinaryEncoder().encode(value)
        } catch {
            preconditionFailure("CodableBox<\(Value.self)>: the value could not be encoded: \(error)")
        }
        writer.writeLengthPrefixedBytes(bytes)
    }

    /// Reads a varint length, then decodes the value from exactly that many bytes.
    ///
    /// - Complexity: O(size of the encoding).
    public init(from reader: inout BinaryReader) throws {
        let bytes = try reader.readLengthPrefixedSlice()
        value = try FlowBinaryDecoder().decode(Value.self, from: bytes)
    }
}

extension CodableBox: Equatable where Value: Equatable {}
extension CodableBox: Hashable where Value: Hashable {}
