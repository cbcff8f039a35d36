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
    /// Records `first` has handed to `second`.
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
                handoffs &+= link.count
            }
        }
    }

    public func handoffCounts(into counts: inout [Int]) {
        first.handoffCounts(into: &counts)
        counts.append(handoffs)
        second.handoffCounts(into: &counts)
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
