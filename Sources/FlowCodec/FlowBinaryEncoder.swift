// The positional binary format of FlowBinaryEncoder / FlowBinaryDecoder
// ======================================================================
//
// Values are written in the order they are encoded; keys are not written. A decoder must read
// them back in the same order, which synthesized `Codable` conformances always do.
//
// • A value whose type is FlowCodable (integers, floats, Bool, String, EventTime, arrays,
//   optionals and dictionaries of FlowCodable values, CodableBox…) is written with its
//   FlowCodable encoding (fixed-width little-endian numbers, varint-length UTF-8 strings, …).
//   Every other value is written through its `encode(to:)`.
// • Every container entry is a SLOT: one presence byte, then the value.
//       0x00                 nil (encodeNil, encodeIfPresent(nil)); nothing follows
//       0x01 <value>         a value (encode, encodeIfPresent(value))
//   Keyed, unkeyed and single-value containers all use slots, so `decodeNil` (peek a 0x00 and
//   consume it) and `decodeIfPresent` work wherever the encoder wrote nil, including inside
//   Optional's own Codable conformance and generic wrappers such as `Box<T?>`.
// • A keyed container is its slots in encoding order: no count, no keys.
// • An unkeyed container is a varint element count, then one slot per element.
// • A nested container (or super-encoder) in a keyed container is a slot whose value starts with
//   the key's stringValue (varint length + UTF-8), then the nested content; the decoder checks the
//   key. That key is what `allKeys` reports, which makes synthesized enum coding work:
//       enum Shape { case circle(radius: Double) }   .circle(radius: 2)  →
//       01 06 "circle" 01 <2.0 as 8 bytes>
//   In an unkeyed container, a nested container is a slot holding just the nested content.
//   `superEncoder()` uses the key "super".
// • A dictionary that is not FlowCodable is an unkeyed container of alternating keys and values
//   (whatever the key type).
// • A top-level value is written without a presence byte.
//
//   struct P: Codable { var id: Int32; var name: String?; var tags: [String] }
//   P(id: 1, name: nil, tags: ["a"])  →  01 01 00 00 00 │ 00   │ 01 01 01 61
//                                        id             │ name │ tags ([String] is FlowCodable)
//
// Limits: because keys are not written, `contains(_:)` is always true, `allKeys` only knows the
// key of a nested container that comes next, and a conformance that interleaves writes to two
// containers, or decodes in another order than it encoded, is not supported.

import FlowCore

/// Encodes any `Encodable` value into Flow's positional binary format, for types that are
/// `Codable` but not ``FlowCodable``.
///
/// ```swift
/// let bytes = try FlowBinaryEncoder().encode(order)
/// let back = try FlowBinaryDecoder().decode(Order.self, from: bytes)
/// ```
///
/// Values are written in encoding order, without keys; each container entry starts with a
/// presence byte (0 for `nil`, 1 for a value); unkeyed containers start with their count; values
/// that are ``FlowCodable`` use their ``FlowCodable`` encoding. The format is described at the top
/// of this file.
public struct FlowBinaryEncoder: Sendable {
    /// Values made available to `encode(to:)` implementations through `Encoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Creates an encoder.
    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.userInfo = userInfo
    }

    /// Encodes `value` into a new byte array.
    ///
    /// - Throws: `FlowError(.userFunctionFailed, …)` naming the type and the coding path when the
    ///   value's `encode(to:)` throws (the encoder itself never does); the cause is its
    ///   ``FlowError/underlying``.
    /// - Complexity: O(size of the encoding).
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let state = EncodingState(userInfo: userInfo)
        do {
            try state.encodeValue(value, codingPath: [])
        } catch let error as FlowError {
            throw error
        } catch {
            throw Self.failure(error, encoding: T.self)
        }
        return state.finish()
    }

    /// The error `encode(_:)` throws when a value's `encode(to:)` throws `error`.
    @inline(never)
    private static func failure(_ error: any Error, encoding type: Any.Type) -> FlowError {
        var path: [any CodingKey] = []
        if case .invalidValue(_, let context) = error as? EncodingError {
            path = context.codingPath
        }
        // What went wrong is the cause's to say (the description shows it once).
        return FlowError(
            .userFunctionFailed,
            "FlowBinaryEncoder: encoding \(type) failed at coding path \(PositionalCodingKey.render(path))",
            underlying: error
        )
    }
}
