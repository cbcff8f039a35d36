/// Reads back what ``PositionalSingleValueEncodingContainer`` wrote: one slot.
internal struct PositionalSingleValueDecodingContainer: SingleValueDecodingContainer {
    let state: DecodingState
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        (try? state.decodeNil(codingPath: codingPath)) ?? false
    }

    func decode(_ type: Bool.Type) throws -> Bool { try state.readPrimitiveSlot(type, codingPath: codingPath) }
    func decode(_ type: String.Type) throws -> String { try state.readPrimitiveSlot(type, codingPath: codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try state.readPrimitiveSlot(type, codingPath: codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try state.readPrimitiveSlot(type, codingPath: codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try state.readPrimitiveSlot(type, codingPath: codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try state.readPrimitiveSlot(type, codingPath: codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try state.readPrimitiveSlot(type, codingPath: codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try state.readPrimitiveSlot(type, codingPath: codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try state.readPrimitiveSlot(type, codingPath: codingPath) }
    func decode(_ type: Int128.Type) throws -> Int128 { try state.readPrimitiveSlot(type, codingPath: codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try state.readPrimitiveSlot(type, codingPath: codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try state.readPrimitiveSlot(type, codingPath: codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try state.readPrimitiveSlot(type, codingPath: codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try state.readPrimitiveSlot(type, codingPath: codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try state.readPrimitiveSlot(type, codingPath: codingPath) }
    func decode(_ type: UInt128.Type) throws -> UInt128 { try state.readPrimitiveSlot(type, codingPath: codingPath) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try state.readSlot(type, codingPath: codingPath)
    }
}
