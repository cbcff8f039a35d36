public import FlowCore

/// Receives the records a fusable stage emits.
public protocol RecordCollector<Element> {
    /// The type of the records received.
    associatedtype Element
    /// Takes one record.
    ///
    /// - Complexity: O(1) for the collectors Flow provides.
    mutating func collect(_ record: Element, at timestamp: EventTime) throws
}

/// A pure stage — no state, no timers — that the planner may fuse with its neighbours into one
/// task: map, filter, flatMap, compactMap.
///
/// Stages compose into a concrete generic chain, ``_Chain2``, which pushes each record through
/// every stage with direct, inlinable calls: the fused loop has no existential or closure call
/// per record other than the user's own functions.
public protocol FusableStage<Input, Output>: ConfigurableStage, Sendable {
    /// The type of the records consumed.
    associatedtype Input: Sendable
    /// The type of the records produced.
    associatedtype Output: Sendable

    /// The number of user-visible stages (more than 1 for a chain).
    static var stageCount: Int { get }

    /// Numbers the stages from `next` on (used to name a failing stage).
    mutating func assignOrdinals(from next: inout Int)

    /// Pushes one record through the stage into `collector`.
    ///
    /// - Throws: ``StageFailure`` if the user's function throws.
    /// - Complexity: O(1) plus the user's function (and, for flatMap, the records it yields).
    mutating func push<Collector: RecordCollector<Output>>(
        _ record: Input, at timestamp: EventTime, into collector: inout Collector
    ) throws

    /// Appends how many records each inner stage boundary has passed on, in stage order.
    func handoffCounts(into counts: inout [Int])
}

extension FusableStage {
    public static var stageCount: Int { 1 }
    public func handoffCounts(into counts: inout [Int]) {}
}

/// Thrown by a fusable stage when its user function throws.
public struct StageFailure: Error, Sendable {
    /// The stage's ordinal in its chain.
    public var stage: Int
    /// The record the stage received.
    public var record: String
    /// What the user function threw.
    public var underlying: any Error

    public init(stage: Int, record: String, underlying: any Error) {
        self.stage = stage
        self.record = record
        self.underlying = underlying
    }
}
