import FlowCore

/// Decodes any `Decodable` value from the positional binary format ``FlowBinaryEncoder`` writes.
///
/// ```swift
/// let order = try FlowBinaryDecoder().decode(Order.self, from: bytes)
/// ```
///
/// Decoding never traps, whatever the bytes: truncated, corrupt or mistyped input throws
/// `FlowError(.malformedData, …)` whose message names the type being decoded, the coding path
/// (keys joined by ".", e.g. `items.2.price`), the type being read and the byte offset.
public struct FlowBinaryDecoder: Sendable {
    /// Values made available to `init(from:)` implementations through `Decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// How deeply `init(from:)` calls may nest (512 by default, as in Foundation's JSON decoder):
    /// deeper input is rejected as malformed instead of overflowing the stack through a recursive
    /// type such as an indirect enum.
    public var maximumDepth: Int

    /// Creates a decoder.
    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:], maximumDepth: Int = 512) {
        self.userInfo = userInfo
        self.maximumDepth = maximumDepth
    }

    /// Decodes a `T` that must take up all of `bytes`.
    ///
    /// - Throws: `FlowError(.malformedData, …)` if the bytes are not a valid encoding of a `T`, or
    ///   if bytes remain after it.
    /// - Complexity: O(`bytes.count`).
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try decode(type, from: bytes[...])
    }

    /// Decodes a `T` that must take up all of `bytes`; offsets in errors count from the slice's start.
    ///
    /// - Throws: `FlowError(.malformedData, …)` if the bytes are not a valid encoding of a `T`, or
    ///   if bytes remain after it.
    /// - Complexity: O(`bytes.count`).
    public func decode<T: Decodable>(_ type: T.Type, from bytes: ArraySlice<UInt8>) throws -> T {
        let state = DecodingState(reader: BinaryReader(bytes), userInfo: userInfo, maximumDepth: maximumDepth)
        let value: T
        do {
            value = try state.decodeValue(T.self, codingPath: [])
        } catch {
            throw Self.failure(error, decoding: T.self, at: state.reader.offset)
        }
        guard state.reader.isAtEnd else {
            var error = Malformed.trailingBytes(state.reader.remaining, after: T.self, at: state.reader.offset)
            error.message = "FlowBinaryDecoder: " + error.message
            throw error
        }
        return value
    }

    /// The error `decode(_:from:)` throws for `error`, which stopped decoding at byte `offset`.
    @inline(never)
    private static func failure(_ error: any Error, decoding type: Any.Type, at offset: Int) -> FlowError {
        let prefix = "FlowBinaryDecoder: decoding \(type): "
        if var flow = error as? FlowError {
            flow.message = prefix + flow.message
            return flow
        }
        // What went wrong is the cause's to say (the description shows it once); the message
        // says where.
        let failed = "FlowBinaryDecoder: decoding \(type) failed"
        guard let decodingError = error as? DecodingError else {
            return FlowError(.malformedData, failed + " at byte offset \(offset)", underlying: error)
        }
        let context: DecodingError.Context
        switch decodingError {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            context = c
        @unknown default:
            return FlowError(.malformedData, failed + " at byte offset \(offset)", underlying: error)
        }
        return FlowError(
            .malformedData,
            failed + " at coding path \(PositionalCodingKey.render(context.codingPath)) (at byte offset \(offset))",
            underlying: error
        )
    }
}
