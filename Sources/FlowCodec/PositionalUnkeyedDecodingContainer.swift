/// Reads back what ``PositionalUnkeyedEncodingContainer`` wrote: a count, then one slot per
/// element. Reading past the count is malformed data.
internal struct PositionalUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let state: DecodingState
    let codingPath: [any CodingKey]
    /// The count and read position, shared with every copy of the container.
    let cursor: DecodingState.UnkeyedCursor

    var count: Int? { cursor.count }
    var isAtEnd: Bool { cursor.index >= cursor.count }
    var currentIndex: Int { cursor.index }

    /// The coding path of the next element.
    private var nextPath: [any CodingKey] { codingPath + [PositionalCodingKey(index: cursor.index)] }

    mutating func decodeNil() throws -> Bool {
        try checkNotAtEnd(DecodingState.UnkeyedContainer.self)
        guard try state.decodeNil(codingPath: nextPath) else { return false }
        cursor.index += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) }
    mutating func decode(_ type: String.Type) throws -> String { try next(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type) }
    mutating func decode(_ type: Int128.Type) throws -> Int128 { try next(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type) }
    mutating func decode(_ type: UInt128.Type) throws -> UInt128 { try next(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try checkNotAtEnd(type)
        let value = try state.readSlot(type, codingPath: nextPath)
        cursor.index += 1
        return value
    }

    mutating func decodeIfPresent(_ type: Bool.Type) throws -> Bool? { try nextOptional(type) }
    mutating func decodeIfPresent(_ type: String.Type) throws -> String? { try nextOptional(type) }
    mutating func decodeIfPresent(_ type: Double.Type) throws -> Double? { try nextOptional(type) }
    mutating func decodeIfPresent(_ type: Float.Type) throws -> Float? { try nextOptional(type) }
    mutating func decodeIfPresent(_ type: Int.Type) throws -> Int? { try nextOptional(type) }
    mutating func decodeIfPresent(_ type: Int8.Type) throws -> Int8? { try nextOptional(type) }
    mutating func decodeIfPresent(_ type: Int16.Type) throws -> Int16? { try nextOptional(type) }
    mutating func decodeIfPresent(_ type: Int32.Type) throws -> Int32? { try nextOptional(type) }
    mutating func decodeIfPresent(_ type: Int64.Type) throws -> Int64? { try nextOptional(type) }
    mutating func decodeIfPresent(_ type: Int128.Type) throws -> Int128? { try nextOptional(type) }
    mutating func decodeIfPresent(_ type: UInt.Type) throws -> UInt? { try nextOptional(type) }
    mutating func decodeIfPresent(_ type: UInt8.Type) throws -> UInt8? { try nextOptional(type) }
    mutating func decodeIfPresent(_ type: UInt16.Type) throws -> UInt16? { try nextOptional(type) }
    mutating func decodeIfPresent(_ type: UInt32.Type) throws -> UInt32? { try nextOptional(type) }
    mutating func decodeIfPresent(_ type: UInt64.Type) throws -> UInt64? { try nextOptional(type) }
    mutating func decodeIfPresent(_ type: UInt128.Type) throws -> UInt128? { try nextOptional(type) }

    mutating func decodeIfPresent<T: Decodable>(_ type: T.Type) throws -> T? {
        try checkNotAtEnd(T?.self)
        let value = try state.readOptionalSlot(type, codingPath: nextPath)
        cursor.index += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let path = try startNestedElement()
        return KeyedDecodingContainer(PositionalKeyedDecodingContainer<NestedKey>(state: state, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let path = try startNestedElement()
        return PositionalUnkeyedDecodingContainer(
            state: state, codingPath: path, cursor: try state.readUnkeyedCount(codingPath: path)
        )
    }

    mutating func superDecoder() throws -> any Decoder {
        PositionalDecoder(state: state, codingPath: try startNestedElement())
    }

    /// Reads the next element, a ``FlowCodable`` primitive.
    private mutating func next<Value: FlowCodable>(_ type: Value.Type) throws -> Value {
        try checkNotAtEnd(type)
        let value = try state.readPrimitiveSlot(type, codingPath: nextPath)
        cursor.index += 1
        return value
    }

    /// Reads the next element, a ``FlowCodable`` primitive or `nil`.
    private mutating func nextOptional<Value: FlowCodable>(_ type: Value.Type) throws -> Value? {
        try checkNotAtEnd(Value?.self)
        let value = try state.readOptionalPrimitiveSlot(type, codingPath: nextPath)
        cursor.index += 1
        return value
    }

    /// Reads the presence byte of a nested element and returns the element's coding path.
    private mutating func startNestedElement() throws -> [any CodingKey] {
        try checkNotAtEnd(DecodingState.UnkeyedContainer.self)
        let path = nextPath
        try state.expectPresent(DecodingState.UnkeyedContainer.self, codingPath: path)
        cursor.index += 1
        return path
    }

    /// Throws if every element has been read already.
    private func checkNotAtEnd(_ type: Any.Type) throws {
        guard isAtEnd else { return }
        throw state.malformed(
            type, codingPath: nextPath, "read past the end of an unkeyed container of \(cursor.count) elements"
        )
    }
}
