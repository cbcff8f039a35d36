/// The state shared by every encoder and container of one ``FlowBinaryEncoder/encode(_:)`` call:
/// the one writer they all append to, in call order, and the element counts of unkeyed
/// containers, which are spliced in as varints when the encoding is finished.
///
/// ## Concurrency
/// Owned by the single `encode(_:)` call that creates it; never shared across threads.
internal final class EncodingState {
    /// The element count of one unkeyed container, and where in the writer it belongs.
    final class UnkeyedCount {
        /// The writer offset the count is inserted at (the start of the container's elements).
        let position: Int
        /// The number of elements encoded into the container so far.
        var count = 0

        init(position: Int) { self.position = position }
    }

    /// The bytes written so far, without the unkeyed containers' counts.
    var writer = BinaryWriter(capacity: 256)
    /// Every unkeyed container's count, in creation order (so by nondecreasing position).
    private(set) var counts: [UnkeyedCount] = []
    /// The encoder's user info, as `Encoder.userInfo` exposes it.
    let userInfo: [CodingUserInfoKey: Any]

    init(userInfo: [CodingUserInfoKey: Any]) {
        self.userInfo = userInfo
    }

    /// Starts an unkeyed container's elements at the current position.
    func startUnkeyedContainer() -> UnkeyedCount {
        let count = UnkeyedCount(position: writer.count)
        counts.append(count)
        return count
    }

    /// Writes the presence byte of a slot that holds a value (or a nested container).
    func writePresent() {
        writer.write(UInt8(1))
    }

    /// Writes the presence byte of a slot that holds `nil`.
    func writeNil() {
        writer.write(UInt8(0))
    }

    /// Writes a slot holding `value`: a presence byte of 1, then the value's ``FlowCodable`` form.
    func writePrimitiveSlot<Value: FlowCodable>(_ value: Value) {
        writer.write(UInt8(1))
        value.encode(to: &writer)
    }

    /// Writes a slot holding `value` or `nil`.
    func writeOptionalPrimitiveSlot<Value: FlowCodable>(_ value: Value?) {
        if let value { writePrimitiveSlot(value) } else { writeNil() }
    }

    /// Writes a slot holding a generic `value` at `codingPath`.
    func writeSlot<Value: Encodable>(_ value: Value, codingPath: [any CodingKey]) throws {
        writer.write(UInt8(1))
        try encodeValue(value, codingPath: codingPath)
    }

    /// Writes a slot holding a generic `value` or `nil`.
    func writeOptionalSlot<Value: Encodable>(_ value: Value?, codingPath: [any CodingKey]) throws {
        if let value { try writeSlot(value, codingPath: codingPath) } else { writeNil() }
    }

    /// Writes `value` without a presence byte: its ``FlowCodable`` form if it has one, a
    /// dictionary as alternating keys and values, anything else through `encode(to:)`.
    func encodeValue<Value: Encodable>(_ value: Value, codingPath: [any CodingKey]) throws {
        if let flowType = Value.self as? any FlowCodable.Type, encodeFlowCodable(value, as: flowType) {
            return
        }
        let encoder = PositionalEncoder(state: self, codingPath: codingPath)
        if Value.self is any PositionalEncodableDictionary.Type,
            let dictionary = value as? any PositionalEncodableDictionary
        {
            try dictionary.encodeEntries(to: encoder)
        } else {
            try value.encode(to: encoder)
        }
    }

    /// Writes `value`, whose type is `Flow`, with its ``FlowCodable`` encoding.
    private func encodeFlowCodable<Value, Flow: FlowCodable>(_ value: Value, as _: Flow.Type) -> Bool {
        guard let flowValue = value as? Flow else { return false }
        flowValue.encode(to: &writer)
        return true
    }

    /// The encoded bytes: the writer's bytes with each unkeyed container's count inserted.
    func finish() -> [UInt8] {
        guard !counts.isEmpty else { return writer.bytes }
        let raw = writer.storage
        var output = BinaryWriter(capacity: raw.count + 2 * counts.count)
        var copied = 0
        for count in counts {
            output.storage.append(contentsOf: raw[copied..<count.position])
            output.writeVarint(UInt64(count.count))
            copied = count.position
        }
        output.storage.append(contentsOf: raw[copied...])
        return output.storage
    }
}
