/// Receives records one at a time: the stages of a fused chain pass records on through
/// collectors, and a source fused with a chain pushes its records into one
/// (``SourceReader/read(pushingInto:maxCount:buffer:)``).
public protocol RecordCollector<Element> {
    /// The type of the records received.
    associatedtype Element
    /// Takes one record.
    ///
    /// - Complexity: O(1) for the collectors Flow provides.
    mutating func collect(_ record: Element, at timestamp: EventTime) throws
}

/// The end of a fused chain: records go straight into the output batch's storage.
extension BatchAppender: RecordCollector {
    @inlinable @inline(__always)
    public mutating func collect(_ record: Element, at timestamp: EventTime) {
        append(record, at: timestamp)
    }
}
