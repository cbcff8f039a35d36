public import FlowCore

/// Two fusable stages run as one: `First` then `Second`. Not API; the DSL builds these.
///
/// `_Chain2<_Chain2<Map, Filter>, Map>` is one concrete type: the compiler specializes and
/// inlines `push` through every stage, as a hand-written loop would be.
@_documentation(visibility: internal)
public struct _Chain2<First: FusableStage, Second: FusableStage>: FusableStage where First.Output == Second.Input {
    public typealias Input = First.Input
    public typealias Output = Second.Output

    @usableFromInline var first: First
    @usableFromInline var second: Second
    /// Records `first` has handed to `second`, counted only if neither is one-to-one
    /// (``countsHandoffs``); otherwise the count follows from the chain's input or output.
    @usableFromInline var handoffs: Int = 0

    /// A chain's attributes are its last stage's.
    public var attributes: StageAttributes {
        get { second.attributes }
        set { second.attributes = newValue }
    }

    @inlinable
    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }

    public static var stageCount: Int { First.stageCount + Second.stageCount }

    @inlinable public static var isOneToOne: Bool { First.isOneToOne && Second.isOneToOne }
    @inlinable public static var emitsAtMostOne: Bool { First.emitsAtMostOne && Second.emitsAtMostOne }

    /// `first` then `second`, the timestamp handed on in place.
    ///
    /// - Complexity: O(1) plus the stages' functions.
    @inlinable @inline(__always)
    public mutating func apply(_ record: Input, timestamp: inout EventTime) throws -> Output? {
        guard let passed = try first.apply(record, timestamp: &timestamp) else { return nil }
        if Self.countsHandoffs { handoffs &+= 1 }
        return try second.apply(passed, timestamp: &timestamp)
    }

    /// Whether the hand-offs between the two stages need a counter: a map on either side
    /// gives their number (its input or output count), with no work per record.
    @inlinable static var countsHandoffs: Bool { !First.isOneToOne && !Second.isOneToOne }

    public mutating func assignOrdinals(from next: inout Int) {
        first.assignOrdinals(from: &next)
        second.assignOrdinals(from: &next)
    }

    @inlinable @inline(__always)
    public mutating func push<Collector: RecordCollector<Output>>(
        _ record: Input, at timestamp: EventTime, into collector: inout Collector
    ) throws {
        try withUnsafeMutablePointer(to: &second) { second in
            try withUnsafeMutablePointer(to: &collector) { collector in
                var link = _ChainLink(next: second, downstream: collector)
                try first.push(record, at: timestamp, into: &link)
                if Self.countsHandoffs { handoffs &+= link.count }
            }
        }
    }

    @inlinable
    public func handoffCounts(into counts: inout [Int], input: Int, output: Int) {
        let between = First.isOneToOne ? input : Second.isOneToOne ? output : handoffs
        first.handoffCounts(into: &counts, input: input, output: between)
        counts.append(between)
        second.handoffCounts(into: &counts, input: between, output: output)
    }
}

/// The collector between two chained stages: it pushes into the next stage. Not API.
@usableFromInline
struct _ChainLink<Next: FusableStage, Downstream: RecordCollector>: RecordCollector where Downstream.Element == Next.Output {
    @usableFromInline let next: UnsafeMutablePointer<Next>
    @usableFromInline let downstream: UnsafeMutablePointer<Downstream>
    @usableFromInline var count: Int = 0

    @inlinable
    init(next: UnsafeMutablePointer<Next>, downstream: UnsafeMutablePointer<Downstream>) {
        self.next = next
        self.downstream = downstream
    }

    @inlinable @inline(__always)
    mutating func collect(_ record: Next.Input, at timestamp: EventTime) throws {
        count &+= 1
        try next.pointee.push(record, at: timestamp, into: &downstream.pointee)
    }
}
