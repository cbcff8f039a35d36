/// An unkeyed container: its element count (a varint, spliced in when encoding finishes), then
/// one slot per element, each a presence byte (1, or 0 for `nil`) and the value.
///
/// A nested container or super-encoder element is a presence byte of 1 and the nested content.
internal struct PositionalUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let state: EncodingState
    let codingPath: [any CodingKey]
    /// This container's count, shared with every copy of the container.
    let counter: EncodingState.UnkeyedCount

    var count: Int { counter.count }

    /// The coding path of the next element.
    private var nextPath: [any CodingKey] { codingPath + [PositionalCodingKey(index: counter.count)] }

    mutating func encodeNil() throws {
        state.writeNil()
        counter.count += 1
    }

    mutating func encode(_ value: Bool) throws { append(value) }
    mutating func encode(_ value: String) throws { append(value) }
    mutating func encode(_ value: Double) throws { append(value) }
    mutating func encode(_ value: Float) throws { append(value) }
    mutating func encode(_ value: Int) throws { append(value) }
    mutating func encode(_ value: Int8) throws { append(value) }
    mutating func encode(_ value: Int16) throws { append(value) }
    mutating func encode(_ value: Int32) throws { append(value) }
    mutating func encode(_ value: Int64) throws { append(value) }
    mutating func encode(_ value: Int128) throws { append(value) }
    mutating func encode(_ value: UInt) throws { append(value) }
    mutating func encode(_ value: UInt8) throws { append(value) }
    mutating func encode(_ value: UInt16) throws { append(value) }
    mutating func encode(_ value: UInt32) throws { append(value) }
    mutating func encode(_ value: UInt64) throws { append(value) }
    mutating func encode(_ value: UInt128) throws { append(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = nextPath
        counter.count += 1
        try state.writeSlot(value, codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let path = startNestedElement()
        return KeyedEncodingContainer(PositionalKeyedEncodingContainer<NestedKey>(state: state, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = startNestedElement()
        return PositionalUnkeyedEncodingContainer(
            state: state, codingPath: path, counter: state.startUnkeyedContainer()
        )
    }

    mutating func superEncoder() -> any Encoder {
        PositionalEncoder(state: state, codingPath: startNestedElement())
    }

    /// Writes a slot holding a ``FlowCodable`` primitive.
    private mutating func append<Value: FlowCodable>(_ value: Value) {
        state.writePrimitiveSlot(value)
        counter.count += 1
    }

    /// Writes the presence byte of a nested element and returns the element's coding path.
    private mutating func startNestedElement() -> [any CodingKey] {
        let path = nextPath
        state.writePresent()
        counter.count += 1
        return path
    }
}
