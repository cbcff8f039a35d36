/// The `Encoder` ``FlowBinaryEncoder`` hands to `encode(to:)`: every container it makes appends
/// to the shared ``EncodingState`` writer, in the order values are encoded.
internal final class PositionalEncoder: Encoder {
    let state: EncodingState
    let codingPath: [any CodingKey]
    /// This encoder's unkeyed container, so asking for it twice continues the same one.
    private var unkeyedCount: EncodingState.UnkeyedCount?

    var userInfo: [CodingUserInfoKey: Any] { state.userInfo }

    init(state: EncodingState, codingPath: [any CodingKey]) {
        self.state = state
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(PositionalKeyedEncodingContainer<Key>(state: state, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let count = unkeyedCount ?? state.startUnkeyedContainer()
        unkeyedCount = count
        return PositionalUnkeyedEncodingContainer(state: state, codingPath: codingPath, counter: count)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        PositionalSingleValueEncodingContainer(state: state, codingPath: codingPath)
    }
}
