/// A coding key made up by the positional coders: an unkeyed container's element index, or the
/// key of ``FlowBinaryEncoder``'s `superEncoder()`.
internal struct PositionalCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }

    init(intValue: Int) {
        stringValue = "\(intValue)"
        self.intValue = intValue
    }

    /// The key of the `index`th element of an unkeyed container.
    init(index: Int) {
        self.init(intValue: index)
    }

    /// The key `superEncoder()` and `superDecoder()` use, as in Foundation's coders.
    static let superKey = PositionalCodingKey(stringValue: "super")

    /// `path` as its keys' string values joined by ".", or "<root>" if it is empty.
    static func render(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "<root>" : path.map(\.stringValue).joined(separator: ".")
    }
}
