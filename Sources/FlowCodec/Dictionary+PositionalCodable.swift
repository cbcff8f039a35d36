import FlowCore

/// A dictionary that ``FlowBinaryEncoder`` writes as an unkeyed container of alternating keys and
/// values, whatever its key type (the standard library would write `String`- and `Int`-keyed
/// dictionaries as keyed containers, which a positional format cannot read back).
internal protocol PositionalEncodableDictionary {
    /// Writes the entries as an unkeyed container: key, value, key, value, …
    func encodeEntries(to encoder: any Encoder) throws
}

/// A dictionary that ``FlowBinaryDecoder`` reads from alternating keys and values.
internal protocol PositionalDecodableDictionary {
    /// Reads the entries written by ``PositionalEncodableDictionary/encodeEntries(to:)``.
    static func decodeEntries(from decoder: PositionalDecoder) throws -> Self
}

extension Dictionary: PositionalEncodableDictionary where Key: Encodable, Value: Encodable {
    func encodeEntries(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for (key, value) in self {
            try container.encode(key)
            try container.encode(value)
        }
    }
}

extension Dictionary: PositionalDecodableDictionary where Key: Decodable, Value: Decodable {
    static func decodeEntries(from decoder: PositionalDecoder) throws -> Self {
        var container = try decoder.positionalUnkeyedContainer()
        let count = container.cursor.count
        guard count % 2 == 0 else {
            throw decoder.state.malformed(
                Self.self, codingPath: decoder.codingPath, "odd element count \(count) (keys and values alternate)"
            )
        }
        var result = Self(minimumCapacity: count / 2)
        while !container.isAtEnd {
            let key = try container.decode(Key.self)
            let value = try container.decode(Value.self)
            guard result.updateValue(value, forKey: key) == nil else {
                throw decoder.state.malformed(
                    Self.self, codingPath: decoder.codingPath, "key \(FlowError.describe(key)) appears twice"
                )
            }
        }
        return result
    }
}
