/// A keyed container that writes its values in the order they are encoded, without their keys.
///
/// Each value is a slot: a presence byte (1, or 0 for `nil`) and then the value. A nested
/// container or super-encoder slot is a presence byte of 1, the key's `stringValue` (so that a
/// decoder can name an enum's case through `allKeys`), then the nested content.
internal struct PositionalKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let state: EncodingState
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { state.writeNil() }

    mutating func encode(_ value: Bool, forKey key: Key) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: Int128, forKey key: Key) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { state.writePrimitiveSlot(value) }
    mutating func encode(_ value: UInt128, forKey key: Key) throws { state.writePrimitiveSlot(value) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try state.writeSlot(value, codingPath: codingPath + [key])
    }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }
    mutating func encodeIfPresent(_ value: Int128?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }
    mutating func encodeIfPresent(_ value: UInt128?, forKey key: Key) throws { state.writeOptionalPrimitiveSlot(value) }

    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        try state.writeOptionalSlot(value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        writeNestedSlotHeader(key)
        return KeyedEncodingContainer(
            PositionalKeyedEncodingContainer<NestedKey>(state: state, codingPath: codingPath + [key])
        )
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        writeNestedSlotHeader(key)
        return PositionalUnkeyedEncodingContainer(
            state: state, codingPath: codingPath + [key], counter: state.startUnkeyedContainer()
        )
    }

    mutating func superEncoder() -> any Encoder {
        writeNestedSlotHeader(PositionalCodingKey.superKey)
        return PositionalEncoder(state: state, codingPath: codingPath + [PositionalCodingKey.superKey])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writeNestedSlotHeader(key)
        return PositionalEncoder(state: state, codingPath: codingPath + [key])
    }

    /// Writes the presence byte and the key that start a nested container's slot.
    private func writeNestedSlotHeader(_ key: any CodingKey) {
        state.writePresent()
        state.writer.writeString(key.stringValue)
    }
}
