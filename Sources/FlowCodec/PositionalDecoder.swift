/// The `Decoder` ``FlowBinaryDecoder`` hands to `init(from:)`: every container it makes consumes
/// the shared ``DecodingState`` reader, in the order values are decoded.
internal final class PositionalDecoder: Decoder {
    let state: DecodingState
    let codingPath: [any CodingKey]
    /// This decoder's unkeyed container, so asking for it twice continues the same one.
    private var unkeyedCursor: DecodingState.UnkeyedCursor?

    var userInfo: [CodingUserInfoKey: Any] { state.userInfo }

    init(state: DecodingState, codingPath: [any CodingKey]) {
        self.state = state
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(PositionalKeyedDecodingContainer<Key>(state: state, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try positionalUnkeyedContainer()
    }

    /// This decoder's unkeyed container, reading its count the first time it is asked for.
    func positionalUnkeyedContainer() throws -> PositionalUnkeyedDecodingContainer {
        let cursor = try unkeyedCursor ?? state.readUnkeyedCount(codingPath: codingPath)
        unkeyedCursor = cursor
        return PositionalUnkeyedDecodingContainer(state: state, codingPath: codingPath, cursor: cursor)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        PositionalSingleValueDecodingContainer(state: state, codingPath: codingPath)
    }
}
