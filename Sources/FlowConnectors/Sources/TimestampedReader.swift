public import FlowCore

/// A reader whose records are stamped with event times by a ``TimestampAssigner``, in the base
/// reader's own loop: what ``Source/withTimestamps(_:)`` makes.
///
/// Every read goes through the base reader's push read
/// (``SourceReader/read(pushingInto:maxCount:buffer:)``) with a collector that stamps each record
/// on its way out, so a collection or generator stamps in its record loop and a source fused with
/// stages hands each stamped record straight on. `TimestampedReader<GeneratorReader<F>, A>` is
/// one concrete type: the assigner is called directly, inlined if it is a type.
///
/// ## Concurrency
/// Confined to its task, as every reader is.
public struct TimestampedReader<Base: SourceReader, Assigner: TimestampAssigner>: SourceReader where Assigner.Element == Base.Output {
    public typealias Output = Base.Output

    @usableFromInline var base: Base
    @usableFromInline let assigner: Assigner
    /// Where a base reader without a push read of its own reads first (see
    /// ``SourceReader/read(pushingInto:maxCount:buffer:)``); empty between reads.
    @usableFromInline var buffer = Batch<Base.Output>()

    /// `base`, its records stamped by `assigner`.
    @inlinable
    public init(_ base: Base, assigner: Assigner) {
        self.base = base
        self.assigner = assigner
    }

    public mutating func open(context: SourceContext) async throws {
        try await base.open(context: context)
    }

    /// - Complexity: O(records read), one assigner call each; no allocation in steady state.
    @inlinable
    public mutating func read(into batch: inout Batch<Output>, maxCount: Int) async throws -> SourceStatus {
        try await batch.withAsyncAppender(reservingCapacity: maxCount) { appender in
            var stamping = _StampingCollector(assigner: assigner, downstream: appender)
            defer { appender = stamping.downstream }
            return try await base.read(pushingInto: &stamping, maxCount: maxCount, buffer: &buffer)
        }
    }

    /// - Complexity: O(records read), one assigner call each; no allocation in steady state.
    @inlinable
    public mutating func readImmediately(into batch: inout Batch<Output>, maxCount: Int) throws -> SourceStatus? {
        try batch.withAppender(reservingCapacity: maxCount) { appender in
            var stamping = _StampingCollector(assigner: assigner, downstream: appender)
            defer { appender = stamping.downstream }
            return try base.readImmediately(pushingInto: &stamping, maxCount: maxCount, buffer: &buffer)
        }
    }

    /// - Complexity: O(records read), one assigner call each, plus the collector's work.
    @inlinable @inline(__always)
    public mutating func read<Collector: RecordCollector<Output>>(
        pushingInto collector: inout Collector, maxCount: Int, buffer: inout Batch<Output>
    ) async throws -> SourceStatus {
        var stamping = _StampingCollector(assigner: assigner, downstream: collector)
        defer { collector = stamping.downstream }
        return try await base.read(pushingInto: &stamping, maxCount: maxCount, buffer: &buffer)
    }

    /// - Complexity: O(records read), one assigner call each, plus the collector's work.
    @inlinable @inline(__always)
    public mutating func readImmediately<Collector: RecordCollector<Output>>(
        pushingInto collector: inout Collector, maxCount: Int, buffer: inout Batch<Output>
    ) throws -> SourceStatus? {
        var stamping = _StampingCollector(assigner: assigner, downstream: collector)
        defer { collector = stamping.downstream }
        return try base.readImmediately(pushingInto: &stamping, maxCount: maxCount, buffer: &buffer)
    }

    public func internalStageCounts(into counts: inout [Int]) {
        base.internalStageCounts(into: &counts)
    }

    public mutating func close() async {
        await base.close()
    }

    /// Whether the wrapped reader is: stamping holds no position of its own.
    public var isReplayable: Bool { base.isReplayable }

    /// The wrapped reader's splits: stamping holds no position of its own.
    public func snapshotSplits(checkpoint: Int64) async throws -> [SourceSplit] { try await base.snapshotSplits(checkpoint: checkpoint) }

    /// Resumes the wrapped reader from `splits`.
    public mutating func restoreSplits(_ splits: [SourceSplit]) throws { try base.restoreSplits(splits) }

    public mutating func notifyCheckpointComplete(_ id: Int64) async throws { try await base.notifyCheckpointComplete(id) }

    public mutating func notifyCheckpointAborted(_ id: Int64) async { await base.notifyCheckpointAborted(id) }
}

/// Stamps each record with its assigner's timestamp and hands it on. Not API.
@usableFromInline
struct _StampingCollector<Assigner: TimestampAssigner, Downstream: RecordCollector<Assigner.Element>>: RecordCollector {
    @usableFromInline let assigner: Assigner
    @usableFromInline var downstream: Downstream

    @inlinable
    init(assigner: Assigner, downstream: Downstream) {
        self.assigner = assigner
        self.downstream = downstream
    }

    @inlinable @inline(__always)
    mutating func collect(_ record: Assigner.Element, at timestamp: EventTime) throws {
        try downstream.collect(record, at: try assigner.timestamp(of: record))
    }
}
