/// A single-value container: one slot, a presence byte (1, or 0 for `nil`) and the value.
internal struct PositionalSingleValueEncodingContainer: SingleValueEncodingContainer {
    let state: EncodingState
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { state.writeNil() }

    mutating func encode(_ value: Bool) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: String) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Double) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Float) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Int) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Int8) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Int16) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Int32) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Int64) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Int128) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: UInt) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: UInt8) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: UInt16) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: UInt32) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: UInt64) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: UInt128) throws { state.writePrimitiveSlot(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try state.writeSlot(value, codingPath: codingPath)
    }
}
