/// A value that can be written to bytes and read back: the format of keyed state, checkpoints
/// and network frames.
///
/// Integers, floating-point numbers, `Bool`, `String`, optionals, arrays and dictionaries of
/// codable values, ``EventTime``, ``Watermark`` and ``KeyGroup`` conform already. A struct
/// conforms by writing its fields in order and reading them back in the same order:
///
/// ```swift
/// struct Bid: FlowCodable {
///     var auction: Int64, price: Double, bidder: String
///     func encode(to writer: inout BinaryWriter) {
///         auction.encode(to: &writer); price.encode(to: &writer); bidder.encode(to: &writer)
///     }
///     init(from reader: inout BinaryReader) throws {
///         auction = try Int64(from: &reader); price = try Double(from: &reader)
///         bidder = try String(from: &reader)
///     }
/// }
/// ```
///
/// A `Codable`-only type can be stored through ``CodableBox``.
///
/// An encoding must take at least one byte, so that a collection's count can be checked against
/// the bytes that remain before anything is allocated for it; decoding must never trap, whatever
/// the input, and must throw `FlowError(.malformedData, …)` on input it cannot read.
public protocol FlowCodable: Sendable {
    /// Appends this value's encoding to `writer`.
    ///
    /// - Complexity: O(size of the encoding).
    func encode(to writer: inout BinaryWriter)

    /// Reads a value from `reader`, leaving it just past the value's encoding.
    ///
    /// - Complexity: O(size of the encoding).
    init(from reader: inout BinaryReader) throws
}

extension FlowCodable {
    /// This value's encoding as a new byte array.
    ///
    /// - Complexity: O(size of the encoding).
    @inlinable
    public func encoded() -> [UInt8] {
        var writer = BinaryWriter(capacity: 64)
        encode(to: &writer)
        return writer.bytes
    }

    /// Decodes a value that must take up all of `bytes`.
    ///
    /// - Throws: `FlowError(.malformedData, …)` naming this type, if the bytes are not a valid
    ///   encoding or if bytes remain after the value ("N trailing bytes after T").
    /// - Complexity: O(`bytes.count`).
    @inlinable
    public init(decoding bytes: [UInt8]) throws {
        var reader = BinaryReader(bytes)
        do {
            self = try Self(from: &reader)
        } catch {
            throw Malformed.context(error, decoding: Self.self)
        }
        guard reader.isAtEnd else {
            throw Malformed.trailingBytes(reader.remaining, after: Self.self, at: reader.offset)
        }
    }
}
