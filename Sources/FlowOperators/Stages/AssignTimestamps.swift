public import FlowCore

/// Sets each record's event time from the record, passing the record on unchanged.
///
/// ```swift
/// AssignTimestamps { (bid: Bid) in EventTime(milliseconds: bid.dateTime) }
/// ```
/// A pure, one-to-one stage: it fuses with the stages around it and keeps the chain on its
/// fastest path (the timestamp travels with the record in a register). `AssignTimestamps` is
/// ``AssignTimestampsWith`` running a closure; for a hot stage, write a ``TimestampAssigner``
/// type instead.
public typealias AssignTimestamps<Element: Sendable> = AssignTimestampsWith<ClosureTimestampAssigner<Element>>

extension AssignTimestampsWith {
    /// Creates a timestamp-assigning stage running `timestamp`.
    @inlinable
    public init<Element>(_ timestamp: @escaping @Sendable (Element) throws -> EventTime)
    where Assigner == ClosureTimestampAssigner<Element> {
        self.init(ClosureTimestampAssigner(timestamp))
    }
}
