public import FlowCore

/// A pure stage — no state, no timers — that the planner may fuse with its neighbours into one
/// task: map, filter, flatMap, compactMap, timestamp assignment.
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

    /// Whether the stage passes on exactly one record for each record it receives (a map). A
    /// chain counts the records crossing a boundary only where this does not tell the count:
    /// a map's output count is its input count.
    static var isOneToOne: Bool { get }

    /// Whether the stage passes on at most one record for each record it receives (a map, a
    /// filter, a compactMap, a timestamp assigner; not a flatMap). A chain of such stages runs as
    /// nested calls of ``apply(_:timestamp:)`` whose results and timestamp stay in registers,
    /// and only the chain's result is appended, with the timestamp the stages left.
    static var emitsAtMostOne: Bool { get }

    /// The record the stage passes on for `record`, if any; `timestamp` is the record's event
    /// time on entry and the passed-on record's on return. Called only when ``emitsAtMostOne``
    /// is true. Most stages leave `timestamp` alone (an `inout` that is not written costs
    /// nothing once inlined); a timestamp assigner sets it. The default pushes into a one-record
    /// slot and takes the timestamp the stage collected with.
    ///
    /// - Throws: ``StageFailure`` if the user's function throws.
    /// - Complexity: O(1) plus the user's function.
    mutating func apply(_ record: Input, timestamp: inout EventTime) throws -> Output?

    /// Appends how many records each inner stage boundary has passed on, in stage order, given
    /// that the stage has received `input` records and emitted `output` records in all.
    func handoffCounts(into counts: inout [Int], input: Int, output: Int)
}

extension FusableStage {
    public static var stageCount: Int { 1 }
    @inlinable public static var isOneToOne: Bool { false }
    @inlinable public static var emitsAtMostOne: Bool { false }

    @inlinable
    public mutating func apply(_ record: Input, timestamp: inout EventTime) throws -> Output? {
        var slot = _Slot<Output>()
        try push(record, at: timestamp, into: &slot)
        guard let value = slot.value else { return nil }
        timestamp = slot.timestamp
        return value
    }
    public func handoffCounts(into counts: inout [Int], input: Int, output: Int) {}
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

extension FusableStage {
    /// Runs one record through the stage and appends what it passes on to `output`: nested
    /// ``apply(_:timestamp:)`` calls whose results and timestamp stay in registers when the stage
    /// ``emitsAtMostOne`` (decided when the stage's type is known, so the other branch is compiled
    /// away), appended with the timestamp the stages left; ``push`` otherwise. The step of every
    /// fused loop.
    ///
    /// - Complexity: O(1) plus the stages' functions (and the records a flatMap yields).
    @inlinable @inline(__always)
    public mutating func run(_ record: Input, at timestamp: EventTime, appendingTo output: inout BatchAppender<Output>) throws {
        if Self.emitsAtMostOne {
            var timestamp = timestamp
            if let result = try apply(record, timestamp: &timestamp) { output.append(result, at: timestamp) }
        } else {
            try push(record, at: timestamp, into: &output)
        }
    }
}

/// Holds the one record a stage passes on, and its timestamp, for the default
/// ``FusableStage/apply(_:timestamp:)``. Not API.
@usableFromInline
struct _Slot<Element>: RecordCollector {
    @usableFromInline var value: Element?
    @usableFromInline var timestamp = EventTime.unassigned

    @inlinable init() {}

    @inlinable
    mutating func collect(_ record: Element, at timestamp: EventTime) {
        assert(value == nil, "a stage that declares emitsAtMostOne passed on two records for one")
        value = record
        self.timestamp = timestamp
    }
}
