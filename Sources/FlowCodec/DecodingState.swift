import FlowCore

/// The state shared by every decoder and container of one ``FlowBinaryDecoder`` call: the one
/// reader they all consume from, in the order values are decoded.
///
/// Every error it throws is a `FlowError(.malformedData, …)` whose message starts with the
/// coding path ("at coding path order.items.2: …") and names the type and the byte offset.
///
/// ## Concurrency
/// Owned by the single `decode(_:from:)` call that creates it; never shared across threads.
internal final class DecodingState {
    /// The read position of an unkeyed container, shared by every copy of the container.
    final class UnkeyedCursor {
        /// The number of elements, from the container's count prefix.
        let count: Int
        /// The index of the next element.
        var index = 0

        init(count: Int) { self.count = count }
    }

    /// The name errors give an unkeyed container ("truncated UnkeyedContainer count …").
    enum UnkeyedContainer {}

    /// The bytes being decoded and the position in them.
    var reader: BinaryReader
    /// The decoder's user info, as `Decoder.userInfo` exposes it.
    let userInfo: [CodingUserInfoKey: Any]
    /// How many `init(from:)` calls may be nested before the input is rejected.
    let maximumDepth: Int
    /// How many `init(from:)` calls are running now.
    private var depth = 0

    init(reader: BinaryReader, userInfo: [CodingUserInfoKey: Any], maximumDepth: Int) {
        self.reader = reader
        self.userInfo = userInfo
        self.maximumDepth = maximumDepth
    }

    // MARK: Errors

    /// A malformed-data error for a `type` at the current offset and `codingPath`.
    @inline(never)
    func malformed(_ type: Any.Type, codingPath: [any CodingKey], _ detail: String) -> FlowError {
        FlowError(
            .malformedData,
            "at coding path \(PositionalCodingKey.render(codingPath)): invalid \(type) at byte offset "
                + "\(reader.offset): \(detail)"
        )
    }

    /// `error` (thrown by a reader) with `codingPath` added in front of its message.
    @inline(never)
    func locate(_ error: any Error, codingPath: [any CodingKey]) -> FlowError {
        let prefix = "at coding path \(PositionalCodingKey.render(codingPath)): "
        if var flow = error as? FlowError {
            flow.message = prefix + flow.message
            return flow
        }
        return FlowError(.malformedData, prefix + "decoding failed", underlying: error)
    }

    // MARK: Slots

    /// Reads a slot's presence byte: `true` for 1 (a value follows), `false` for 0 (`nil`).
    func readPresence(of type: Any.Type, codingPath: @autoclosure () -> [any CodingKey]) throws -> Bool {
        let byte: UInt8
        do {
            byte = try reader.readLittleEndian(UInt8.self, naming: type)
        } catch {
            throw locate(error, codingPath: codingPath())
        }
        switch byte {
        case 0: return false
        case 1: return true
        default:
            reader.position -= 1
            throw malformed(type, codingPath: codingPath(), "presence byte \(byte) is neither 0 nor 1")
        }
    }

    /// Reads the presence byte of a slot that must hold a `type`.
    func expectPresent(_ type: Any.Type, codingPath: @autoclosure () -> [any CodingKey]) throws {
        guard try readPresence(of: type, codingPath: codingPath()) else {
            reader.position -= 1
            throw malformed(type, codingPath: codingPath(), "found nil where a value is required")
        }
    }

    /// Consumes a slot's presence byte if it is 0 (`nil`), and says whether it did.
    func decodeNil(codingPath: @autoclosure () -> [any CodingKey]) throws -> Bool {
        guard let byte = reader.peekByte() else {
            throw locate(
                Malformed.truncated("presence byte", at: reader.offset, needed: 1, available: 0),
                codingPath: codingPath()
            )
        }
        guard byte == 0 else { return false }
        reader.position += 1
        return true
    }

    /// Reads a slot holding a ``FlowCodable`` value.
    func readPrimitiveSlot<Value: FlowCodable>(_ type: Value.Type, codingPath: @autoclosure () -> [any CodingKey]) throws -> Value {
        try expectPresent(Value.self, codingPath: codingPath())
        return try readFlowCodable(Value.self, codingPath: codingPath())
    }

    /// Reads a slot holding a ``FlowCodable`` value or `nil`.
    func readOptionalPrimitiveSlot<Value: FlowCodable>(
        _ type: Value.Type, codingPath: @autoclosure () -> [any CodingKey]
    ) throws -> Value? {
        guard try readPresence(of: Value?.self, codingPath: codingPath()) else { return nil }
        return try readFlowCodable(Value.self, codingPath: codingPath())
    }

    /// Reads a slot holding any decodable value.
    func readSlot<Value: Decodable>(_ type: Value.Type, codingPath: [any CodingKey]) throws -> Value {
        try expectPresent(Value.self, codingPath: codingPath)
        return try decodeValue(Value.self, codingPath: codingPath)
    }

    /// Reads a slot holding any decodable value or `nil`.
    func readOptionalSlot<Value: Decodable>(_ type: Value.Type, codingPath: [any CodingKey]) throws -> Value? {
        guard try readPresence(of: Value?.self, codingPath: codingPath) else { return nil }
        return try decodeValue(Value.self, codingPath: codingPath)
    }

    /// Reads a nested container's slot header: a presence byte of 1 and the key it was written for.
    func readNestedHeader(_ key: any CodingKey, codingPath: [any CodingKey]) throws {
        try expectPresent(String.self, codingPath: codingPath)
        let at = reader.offset
        let found: String
        do {
            found = try reader.readString()
        } catch {
            throw locate(error, codingPath: codingPath)
        }
        guard found == key.stringValue else {
            reader.position = at
            throw malformed(
                String.self, codingPath: codingPath,
                "expected the key '\(key.stringValue)' of a nested container, found '\(found)'"
            )
        }
    }

    /// Reads an unkeyed container's count; each element takes at least its presence byte.
    func readUnkeyedCount(codingPath: [any CodingKey]) throws -> UnkeyedCursor {
        do {
            return UnkeyedCursor(count: try reader.readCount(of: UnkeyedContainer.self, minimumBytesEach: 1))
        } catch {
            throw locate(error, codingPath: codingPath)
        }
    }

    // MARK: Values

    /// Reads a value without a presence byte: the mirror of ``EncodingState/encodeValue(_:codingPath:)``.
    func decodeValue<Value: Decodable>(_ type: Value.Type, codingPath: [any CodingKey]) throws -> Value {
        if let flowType = Value.self as? any FlowCodable.Type {
            return try decodeFlowCodable(flowType, as: Value.self, codingPath: codingPath)
        }
        let decoder = PositionalDecoder(state: self, codingPath: codingPath)
        if let dictionaryType = Value.self as? any PositionalDecodableDictionary.Type {
            guard let dictionary = try dictionaryType.decodeEntries(from: decoder) as? Value else {
                throw FlowError(.internalError, "FlowBinaryDecoder: a \(dictionaryType) is not a \(Value.self)")
            }
            return dictionary
        }
        guard depth < maximumDepth else {
            throw malformed(Value.self, codingPath: codingPath, "values nested deeper than \(maximumDepth) levels")
        }
        depth += 1
        defer { depth -= 1 }
        return try Value(from: decoder)
    }

    /// Reads a `Flow` and returns it as the `Value` it is.
    private func decodeFlowCodable<Flow: FlowCodable, Value>(
        _ flowType: Flow.Type, as _: Value.Type, codingPath: [any CodingKey]
    ) throws -> Value {
        guard let value = try readFlowCodable(Flow.self, codingPath: codingPath) as? Value else {
            throw FlowError(.internalError, "FlowBinaryDecoder: a \(Flow.self) is not a \(Value.self)")
        }
        return value
    }

    /// Reads a ``FlowCodable`` value, adding `codingPath` to its errors.
    private func readFlowCodable<Value: FlowCodable>(
        _ type: Value.Type, codingPath: @autoclosure () -> [any CodingKey]
    ) throws -> Value {
        do {
            return try Value(from: &reader)
        } catch {
            throw locate(error, codingPath: codingPath())
        }
    }
}
