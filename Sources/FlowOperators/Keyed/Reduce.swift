public import FlowCore

/// A keyed running reduce: for every record, combines it with the reduced value so far of its
/// key and emits the new value (Flink's `KeyedStream.reduce`). Follows a ``KeyBy``.
public struct Reduce<Element: Sendable>: ConfigurableStage, Sendable {
    public var attributes = StageAttributes(kind: "Reduce")
    /// Combines the value so far with the next record.
    public let combine: @Sendable (Element, Element) throws -> Element

    /// Creates a running reduce.
    public init(_ combine: @escaping @Sendable (Element, Element) throws -> Element) {
        self.combine = combine
    }
}

/// The operator behind ``Reduce``: one reduced value per key, kept in memory.
public struct KeyedReduceOperator<Element: Sendable, Key: Hashable & Sendable>: OneInputOperator {
    public typealias Input = Element
    public typealias Output = Element

    @usableFromInline let key: @Sendable (Element) throws -> Key
    @usableFromInline let combine: @Sendable (Element, Element) throws -> Element
    @usableFromInline var state: [Key: Element] = [:]

    public init(key: @escaping @Sendable (Element) throws -> Key, combine: @escaping @Sendable (Element, Element) throws -> Element) {
        self.key = key
        self.combine = combine
    }

    /// The number of keys with state (for tests and inspection).
    public var keyCount: Int { state.count }

    @inlinable
    public mutating func process(_ input: inout Batch<Element>, into output: inout Batch<Element>) throws {
        try output.withAppender(reservingCapacity: input.count) { output in
          try input.withUnsafeBuffers { records, timestamps in
            for index in records.indices {
                let record = records[index]
                let keyValue = try _stateKey(of: record, at: index, by: key)
                do {
                    if let slot = state.index(forKey: keyValue) {
                        let reduced = try combine(state.values[slot], record)
                        state.values[slot] = reduced
                        output.append(reduced, at: timestamps[index])
                    } else {
                        state[keyValue] = record
                        output.append(record, at: timestamps[index])
                    }
                } catch {
                    throw RecordFailure(stage: 0, recordIndex: index, record: FlowError.describe(record), underlying: error)
                }
            }
          }
        }
        input.removeAll(keepingCapacity: true)
    }
}
