// FlowCodec: the binary codec for everything that leaves a process or goes into state.
//
//   value ──encode(to:)──► BinaryWriter bytes ──► keyed state / checkpoint / network frame
//                                                              │
//   value ◄──init(from:)── BinaryReader ◄──────────────────────┘
//
//   Codable-only value ──FlowBinaryEncoder──► bytes ──FlowBinaryDecoder──► value
//                        (CodableBox adapts it to FlowCodable)
//
// Records inside one process are never serialized. Fixed-width values are little-endian, counts
// and lengths are LEB128 varints, and every read is bounds-checked: corrupt input throws
// `FlowError(.malformedData, …)`, it never traps and never allocates more than it was given.

public import FlowCore

/// Builds the `.malformedData` errors of this module: cold paths, kept out of the inlined readers.
@usableFromInline
internal enum Malformed {
    /// Input ended while `type` was being read.
    @usableFromInline
    @inline(never)
    internal static func truncated(_ type: Any.Type, at offset: Int, needed: Int, available: Int) -> FlowError {
        truncated("\(type)", at: offset, needed: needed, available: available)
    }

    /// Input ended while the thing named `what` was being read.
    @usableFromInline
    @inline(never)
    internal static func truncated(_ what: String, at offset: Int, needed: Int, available: Int) -> FlowError {
        FlowError(
            .malformedData,
            "truncated \(what) at byte offset \(offset): needed \(needed) bytes, \(available) available"
        )
    }

    /// The bytes of a `type` at `offset` are not a valid encoding; `detail` says why.
    @usableFromInline
    @inline(never)
    internal static func invalid(_ type: Any.Type, at offset: Int, _ detail: String) -> FlowError {
        invalid("\(type)", at: offset, detail)
    }

    /// The bytes of the thing named `what` at `offset` are not a valid encoding; `detail` says why.
    @usableFromInline
    @inline(never)
    internal static func invalid(_ what: String, at offset: Int, _ detail: String) -> FlowError {
        FlowError(.malformedData, "invalid \(what) at byte offset \(offset): \(detail)")
    }

    /// A count or length prefix announces more than the input can hold.
    @usableFromInline
    @inline(never)
    internal static func countTooLarge(
        _ what: Any.Type, _ role: StaticString, _ count: UInt64, at offset: Int, bytesNeeded: String, available: Int
    ) -> FlowError {
        FlowError(
            .malformedData,
            "invalid \(what) at byte offset \(offset): \(role) \(count) needs \(bytesNeeded), only \(available) bytes remain"
        )
    }

    /// A dictionary's encoding holds `key` twice.
    @usableFromInline
    @inline(never)
    internal static func duplicateKey(_ key: Any, in type: Any.Type, at offset: Int) -> FlowError {
        invalid(type, at: offset, "key \(FlowError.describe(key)) appears twice")
    }

    /// Bytes remain after a complete value.
    @usableFromInline
    @inline(never)
    internal static func trailingBytes(_ count: Int, after type: Any.Type, at offset: Int) -> FlowError {
        FlowError(.malformedData, "\(count) trailing bytes after \(type) (at byte offset \(offset))")
    }

    /// Prefixes `error`'s message with the type being decoded, keeping its code and cause.
    @usableFromInline
    @inline(never)
    internal static func context(_ error: any Error, decoding type: Any.Type) -> FlowError {
        if var flow = error as? FlowError {
            flow.message = "decoding \(type): " + flow.message
            return flow
        }
        return FlowError(.malformedData, "decoding \(type) failed", underlying: error)
    }
}
