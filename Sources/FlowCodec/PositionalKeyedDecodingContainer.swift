/// Reads back what ``PositionalKeyedEncodingContainer`` wrote: slots in the order they are
/// decoded, keys unchecked except for nested containers.
///
/// The format holds no keys, so ``contains(_:)`` is always `true` (absence is an optional's 0
/// presence byte), and ``allKeys`` is the key of the nested container that comes next, if one
/// does: the one key a synthesized enum decoder asks for.
internal struct PositionalKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let state: DecodingState
    let codingPath: [any CodingKey]

    var allKeys: [Key] {
        var probe = state.reader
        guard (try? probe.read(UInt8.self)) == 1,
            let name = try? probe.readString(),
            let key = Key(stringValue: name)
        else { return [] }
        return [key]
    }

    func contains(_ key: Key) -> Bool { true }

    func decodeNil(forKey key: Key) throws -> Bool {
        try state.decodeNil(codingPath: codingPath + [key])
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try slot(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try slot(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try slot(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try slot(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try slot(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try slot(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try slot(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try slot(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try slot(type, key) }
    func decode(_ type: Int128.Type, forKey key: Key) throws -> Int128 { try slot(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try slot(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try slot(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try slot(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try slot(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try slot(type, key) }
    func decode(_ type: UInt128.Type, forKey key: Key) throws -> UInt128 { try slot(type, key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try state.readSlot(type, codingPath: codingPath + [key])
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optionalSlot(type, key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optionalSlot(type, key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optionalSlot(type, key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try optionalSlot(type, key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optionalSlot(type, key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try optionalSlot(type, key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try optionalSlot(type, key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try optionalSlot(type, key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optionalSlot(type, key) }
    func decodeIfPresent(_ type: Int128.Type, forKey key: Key) throws -> Int128? { try optionalSlot(type, key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try optionalSlot(type, key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try optionalSlot(type, key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try optionalSlot(type, key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try optionalSlot(type, key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try optionalSlot(type, key) }
    func decodeIfPresent(_ type: UInt128.Type, forKey key: Key) throws -> UInt128? { try optionalSlot(type, key) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try state.readOptionalSlot(type, codingPath: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let path = codingPath + [key]
        try state.readNestedHeader(key, codingPath: path)
        return KeyedDecodingContainer(PositionalKeyedDecodingContainer<NestedKey>(state: state, codingPath: path))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let path = codingPath + [key]
        try state.readNestedHeader(key, codingPath: path)
        return PositionalUnkeyedDecodingContainer(
            state: state, codingPath: path, cursor: try state.readUnkeyedCount(codingPath: path)
        )
    }

    func superDecoder() throws -> any Decoder {
        let path = codingPath + [PositionalCodingKey.superKey]
        try state.readNestedHeader(PositionalCodingKey.superKey, codingPath: path)
        return PositionalDecoder(state: state, codingPath: path)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        let path = codingPath + [key]
        try state.readNestedHeader(key, codingPath: path)
        return PositionalDecoder(state: state, codingPath: path)
    }

    /// Reads a slot holding a ``FlowCodable`` primitive.
    private func slot<Value: FlowCodable>(_ type: Value.Type, _ key: Key) throws -> Value {
        try state.readPrimitiveSlot(type, codingPath: codingPath + [key])
    }

    /// Reads a slot holding a ``FlowCodable`` primitive or `nil`.
    private func optionalSlot<Value: FlowCodable>(_ type: Value.Type, _ key: Key) throws -> Value? {
        try state.readOptionalPrimitiveSlot(type, codingPath: codingPath + [key])
    }
}
