public import FlowCore

/// The first stage of a pipeline: where records come from.
///
/// ```swift
/// Source([1, 2, 3])                                   // a collection
/// Source.generator(count: 1_000_000) { seq in Bid(seq) } // from a sequence number
/// Source(lines)                                        // any AsyncSequence, read by one run
/// Source(makeSequence: { updates() })                  // a fresh AsyncSequence per run
/// ```
///
/// A source carries the type of its reader (`Source<GeneratorReader<…>>`), so a job can fuse it
/// with the pure stages after it into one loop specialized for all of them. Code that names a
/// source's type can write `Source<some SourceReader<Bid>>`, or erase the reader with
/// ``erased()`` (`Source<AnySourceReader<Bid>>`) where one type must hold different sources.
public struct Source<Reader: SourceReader>: ConfigurableStage, Sendable {
    /// The type of the records produced.
    public typealias Output = Reader.Output

    public var attributes: StageAttributes
    /// Whether several instances can split the input.
    public let isParallel: Bool
    /// Makes one instance's reader.
    public let makeReader: @Sendable () -> Reader

    /// A source from any reader: `Source(kind: "Kafka", isParallel: true) { KafkaReader(topic) }`.
    @inlinable
    public init(kind: String = "Source", isParallel: Bool, reader: @escaping @Sendable () -> Reader) {
        attributes = StageAttributes(kind: kind)
        self.isParallel = isParallel
        makeReader = reader
    }

    /// Makes one instance's reader, erased to its record type (the form a task holds it in).
    @inlinable
    public func makeErasedReader() -> AnyOperator<Never, Output> {
        AnyOperator(reader: makeReader())
    }

    /// This source with its reader's type erased, keeping its name, uid and other settings, so
    /// that sources of different readers share one type:
    /// `let input = live ? Source(stream).erased() : Source(samples).erased()`. Stages after it
    /// still run inside its read loop; the reader is called through closures, once per batch.
    @inlinable
    public func erased() -> Source<AnySourceReader<Output>> {
        let make = makeReader
        var source = Source<AnySourceReader<Output>>(kind: attributes.kind, isParallel: isParallel) { AnySourceReader(make()) }
        source.attributes = attributes
        return source
    }
}

extension Source {
    /// Emits the elements of a collection, in order. At parallelism *p*, instance *i* reads the
    /// *i*-th of *p* contiguous slices.
    @inlinable
    public init<C: Collection & Sendable>(_ collection: C) where Reader == CollectionReader<C> {
        self.init(kind: "Source", isParallel: true) { CollectionReader(collection) }
    }

    /// Emits `make(n)` for sequence numbers n = 0, 1, 2, … (`count` of them, or forever), at most
    /// `recordsPerSecond` per second in total if given. At parallelism *p*, instance *i* makes the
    /// numbers *n* with *n* mod *p* = *i*, so the numbers interleave evenly. At a rate, record *k*
    /// of an instance is due *k* / rate seconds after its first read, and records leave in steps
    /// of 50 µs worth (at least one record), each passed on at once.
    @inlinable
    public static func generator<Output>(
        count: Int64? = nil, recordsPerSecond: Double? = nil,
        _ make: @escaping @Sendable (Int64) -> Output
    ) -> Source<GeneratorReader<ClosureGenerator<Output>>>
    where Reader == GeneratorReader<ClosureGenerator<Output>> {
        generator(count: count, recordsPerSecond: recordsPerSecond, function: ClosureGenerator(make))
    }

    /// Emits `function.make(n)` for sequence numbers n = 0, 1, 2, …: ``generator(count:recordsPerSecond:_:)``
    /// with the record maker written as a type, which the compiler can inline into the read loop.
    @inlinable
    public static func generator<Function: GeneratorFunction>(
        count: Int64? = nil, recordsPerSecond: Double? = nil,
        function: Function
    ) -> Source<GeneratorReader<Function>>
    where Reader == GeneratorReader<Function> {
        Source(kind: "Source", isParallel: true) {
            GeneratorReader(count: count, recordsPerSecond: recordsPerSecond, function: function)
        }
    }

    /// Emits the elements of an `AsyncSequence` until it ends. Runs at parallelism 1 (one iterator).
    ///
    /// A pump task iterates the sequence into a buffer of at most `bufferCapacity` elements (it
    /// stops asking the sequence for more while the buffer is full), and the source's task takes
    /// what is buffered without waiting: a sequence that pauses never holds the task, and an
    /// element that arrives while the task waits wakes it, so it is passed on at once. See
    /// ``AsyncSequenceReader``.
    ///
    /// One run only can read `sequence`: most async sequences (an `AsyncStream`, a socket's
    /// bytes) can be iterated once, so the first run whose source opens claims it, and every later
    /// run of a job with this source (or a run started at the same time) fails when its source
    /// opens, with `.invalidConfiguration` naming the stage. A run that fails before its source
    /// opens (a sink of the same task whose `open` throws) leaves the sequence to the next run; a
    /// run that fails after (in a later task's `open`, or while reading) has used it. To run a job
    /// more than once, use ``init(makeSequence:)``.
    @inlinable
    public init<S: AsyncSequence & Sendable>(_ sequence: S, bufferCapacity: Int = AsyncSequenceReader<S>.defaultBufferCapacity)
    where Reader == AsyncSequenceReader<S> {
        let claim = _SingleUseClaim()
        self.init(kind: "Source", isParallel: false) { AsyncSequenceReader(singleUse: sequence, claim: claim, bufferCapacity: bufferCapacity) }
    }

    /// Emits the elements of the `AsyncSequence` that `makeSequence` makes, a fresh one for each
    /// run, until it ends. Runs at parallelism 1 (one iterator).
    ///
    /// ```swift
    /// let job = try Job("ticks") {
    ///     Source(makeSequence: { ticker.updates() })   // a new stream for every run
    ///     Sink(.print())
    /// }
    /// ```
    ///
    /// `makeSequence` is called once per run, when the run opens the source; the job can run any
    /// number of times, also concurrently. Elements are passed on as `Source(_:)` passes them,
    /// through a buffer of at most `bufferCapacity` elements.
    @inlinable
    public init<S: AsyncSequence & Sendable>(
        makeSequence: @escaping @Sendable () -> S,
        bufferCapacity: Int = AsyncSequenceReader<S>.defaultBufferCapacity
    )
    where Reader == AsyncSequenceReader<S> {
        self.init(kind: "Source", isParallel: false) { AsyncSequenceReader(makeSequence: makeSequence, bufferCapacity: bufferCapacity) }
    }
}

/// Reads a collection, split into contiguous slices among instances.
///
/// A fresh run cuts the collection into one split per instance; a restored reader reads the
/// splits it was given (``SourceReader/restoreSplits(_:)``), each from where it stopped, one after
/// the other (see `CollectionReader+Splits.swift`).
public struct CollectionReader<Base: Collection & Sendable>: SourceReader where Base.Element: Sendable {
    @usableFromInline let base: Base
    @usableFromInline var position: Base.Index
    @usableFromInline var end: Base.Index
    /// Where the split being read starts in `base`.
    @usableFromInline var splitStart: Base.Index
    /// The splits: the one being read, those still to read, those read to the end.
    @usableFromInline var splits = _SplitQueue()

    @inlinable
    public init(_ base: Base) {
        self.base = base
        position = base.startIndex
        end = base.endIndex
        splitStart = base.startIndex
    }

    public mutating func open(context: SourceContext) async throws {
        splits.start(fresh: SourceSplit(index: context.subtask, splitCount: context.parallelism, position: 0))
        enterCurrentSplit()
    }

    @inlinable
    public mutating func read(into batch: inout Batch<Base.Element>, maxCount: Int) async throws -> SourceStatus {
        readImmediately(into: &batch, maxCount: maxCount)!
    }

    /// Never suspends: the elements are in memory.
    @inlinable
    public mutating func readImmediately(into batch: inout Batch<Base.Element>, maxCount: Int) -> SourceStatus? {
        batch.withAppender(reservingCapacity: maxCount) { appender in
            var taken = 0
            while taken < maxCount && position != end {
                appender.append(base[position])
                base.formIndex(after: &position)
                taken += 1
            }
        }
        return position == end ? nextSplitStatus() : .more
    }

    @inlinable
    public mutating func read<Collector: RecordCollector<Base.Element>>(
        pushingInto collector: inout Collector, maxCount: Int, buffer: inout Batch<Base.Element>
    ) async throws -> SourceStatus {
        try readImmediately(pushingInto: &collector, maxCount: maxCount, buffer: &buffer)!
    }

    @inlinable
    public mutating func readImmediately<Collector: RecordCollector<Base.Element>>(
        pushingInto collector: inout Collector, maxCount: Int, buffer: inout Batch<Base.Element>
    ) throws -> SourceStatus? {
        try push(into: &collector, maxCount: maxCount)
        return position == end ? nextSplitStatus() : .more
    }

    /// The push loop: synchronous and not inlined into the async read, so its state stays in
    /// registers (specialized all the same).
    @inlinable @inline(never)
    mutating func push<Collector: RecordCollector<Base.Element>>(into collector: inout Collector, maxCount: Int) throws {
        var taken = 0
        while taken < maxCount && position != end {
            let element = base[position]
            base.formIndex(after: &position)
            taken += 1
            try collector.collect(element, at: .unassigned)
        }
    }
}

/// Makes a record from its sequence number, for ``Source/generator(count:recordsPerSecond:function:)``.
public protocol GeneratorFunction<Output>: Sendable {
    /// The type of the records made.
    associatedtype Output: Sendable
    /// Record number `sequenceNumber`.
    func make(_ sequenceNumber: Int64) -> Output
}

/// A ``GeneratorFunction`` from a closure.
public struct ClosureGenerator<Output: Sendable>: GeneratorFunction {
    @usableFromInline let body: @Sendable (Int64) -> Output

    @inlinable
    public init(_ body: @escaping @Sendable (Int64) -> Output) { self.body = body }

    @inlinable
    public func make(_ sequenceNumber: Int64) -> Output { body(sequenceNumber) }
}

/// Makes records from sequence numbers, optionally rate-limited.
public struct GeneratorReader<Function: GeneratorFunction>: SourceReader {
    public typealias Output = Function.Output

    @usableFromInline let count: Int64?
    @usableFromInline let recordsPerSecond: Double?
    @usableFromInline let function: Function
    @usableFromInline var next: Int64 = 0
    @usableFromInline var stride: Int64 = 1
    @usableFromInline var emitted: Int64 = 0
    @usableFromInline var rate: Double = 0
    @usableFromInline var start: ContinuousClock.Instant?
    /// The splits: the one being read, those still to read, those read to the end.
    @usableFromInline var splits = _SplitQueue()

    @inlinable
    public init(count: Int64?, recordsPerSecond: Double?, function: Function) {
        self.count = count
        self.recordsPerSecond = recordsPerSecond
        self.function = function
    }

    public mutating func open(context: SourceContext) async throws {
        if let count, count < 0 {
            throw FlowError(.invalidConfiguration, "generator count must not be negative, got \(count)", stageName: context.stageName)
        }
        if let recordsPerSecond, !(recordsPerSecond > 0 && recordsPerSecond <= 1e15) {
            throw FlowError(
                .invalidConfiguration, "generator recordsPerSecond must be a finite rate in (0, 1e15], got \(recordsPerSecond)",
                stageName: context.stageName)
        }
        splits.start(fresh: SourceSplit(index: context.subtask, splitCount: context.parallelism, position: 0))
        // Each split makes an equal share of the rate: an instance reading k of n splits makes k/n of it.
        rate = (recordsPerSecond ?? 0) * Double(splits.owned) / Double(Swift.max(1, splits.splitCount))
        enterCurrentSplit()
    }

    @inlinable
    public mutating func read(into batch: inout Batch<Output>, maxCount: Int) async throws -> SourceStatus {
        readImmediately(into: &batch, maxCount: maxCount)!
    }

    /// Never suspends: a record is made from its number (a rate-limited generator that is ahead
    /// of its rate returns `.idle(until:)` rather than waiting).
    @inlinable
    public mutating func readImmediately(into batch: inout Batch<Output>, maxCount: Int) -> SourceStatus? {
        let plan = planRead(maxCount: maxCount)
        if let idle = plan.idle { return idle }
        // Loop state in locals, so it stays in registers (not in `self`) for the whole batch.
        var sequence = next
        let step = stride
        let function = function
        batch.withAppender(reservingCapacity: Int(plan.allowed)) { appender in
            for _ in 0..<plan.allowed {
                appender.append(function.make(sequence))
                sequence &+= step
            }
        }
        return finishRead(next: sequence, made: plan.allowed, due: plan.due)
    }

    @inlinable @inline(__always)
    public mutating func read<Collector: RecordCollector<Output>>(
        pushingInto collector: inout Collector, maxCount: Int, buffer: inout Batch<Output>
    ) async throws -> SourceStatus {
        try readImmediately(pushingInto: &collector, maxCount: maxCount, buffer: &buffer)!
    }

    @inlinable
    public mutating func readImmediately<Collector: RecordCollector<Output>>(
        pushingInto collector: inout Collector, maxCount: Int, buffer: inout Batch<Output>
    ) throws -> SourceStatus? {
        let plan = planRead(maxCount: maxCount)
        if let idle = plan.idle { return idle }
        var sequence = next
        do {
            try Self.push(function, from: &sequence, stride: stride, count: plan.allowed, into: &collector)
        } catch {
            // The records pushed before the failing one (and that one) count as made.
            _ = finishRead(next: sequence, made: (sequence - next) / stride, due: plan.due)
            throw error
        }
        return finishRead(next: sequence, made: plan.allowed, due: plan.due)
    }

    /// Pushes records `sequence`, `sequence + stride`, … (`count` of them) into `collector`.
    /// Synchronous, static and not inlined into the async read, so the loop's state stays in
    /// registers (specialized all the same).
    @inlinable @inline(never)
    static func push<Collector: RecordCollector<Output>>(
        _ function: Function, from sequence: inout Int64, stride: Int64, count: Int64, into collector: inout Collector
    ) throws {
        var local = collector
        defer { collector = local }
        var next = sequence
        defer { sequence = next }
        for _ in 0..<count {
            let record = function.make(next)
            next &+= stride
            try local.collect(record, at: .unassigned)
        }
    }

    /// How many records the next read may make (`allowed`, of which `due` are late at a rate),
    /// or the status to return at once when none is due yet (`idle`).
    @inlinable
    mutating func planRead(maxCount: Int) -> (allowed: Int64, due: Int64, idle: SourceStatus?) {
        // A restored reader may own no split (more instances than splits), or have read them all.
        if splits.currentSplit == nil { return (0, 0, .finished) }
        var allowed = Int64(maxCount)
        var due: Int64 = 0
        if rate > 0 {
            let now = ContinuousClock.now
            let origin = start ?? now
            start = origin
            let elapsed = (now - origin) / .seconds(1)
            due = Int64(Swift.min(elapsed * rate, 9e18)) + 1 - emitted
            // Release a step's worth at a time, also when behind schedule: a source that read
            // whatever was due at every step would, once behind, read a few records per step
            // for good, and spend its time on per-batch work.
            if due < Int64(releaseStep) { return (0, due, .idle(until: nextRelease(after: origin))) }
            allowed = Swift.min(allowed, due)
        }
        if let count {
            // Records this instance has left: ceil((count - next) / stride), without overflow.
            let left = next >= count ? 0 : (count - next - 1) / stride + 1
            allowed = Swift.min(allowed, left)
        }
        return (allowed, due, nil)
    }

    /// Records that `made` records were made, the next being `next`; the read's status.
    @inlinable
    mutating func finishRead(next: Int64, made: Int64, due: Int64) -> SourceStatus {
        self.next = next
        emitted += made
        if let count, next >= count { return nextSplitStatus() }
        if splits.hasMoreThanOne { rotateSplit() }
        guard rate > 0, let start else { return .more }
        // Behind schedule by a step or more (the read was cut at maxCount): read again at once.
        if due - made >= Int64(releaseStep) { return .more }
        return .idle(until: nextRelease(after: start))
    }

    /// When the next step of records is due: record *k* is due *k* / `rate` seconds after the
    /// first read, and records are released in steps of ``releaseInterval`` worth (at least one),
    /// so a fast generator wakes at most 20,000 times a second, not once per record.
    @inlinable
    func nextRelease(after origin: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let seconds = (Double(emitted) + releaseStep - 1) / rate
        return origin + .nanoseconds(Int64(Swift.min(seconds * 1e9, 9e18)))
    }

    /// Records released at once at the instance's rate: 50 µs worth, at least one.
    @inlinable
    var releaseStep: Double { Swift.max(1, (rate * Self.releaseInterval).rounded(.up)) }

    /// The time worth of records a rate-limited generator releases at once: 50 µs.
    public static var releaseInterval: Double { 50e-6 }
}

extension Source {
    /// This source with each record stamped with the event time `timestamp` gives it, in the
    /// reader's own loop (the records' previous timestamps are replaced).
    ///
    /// ```swift
    /// Source(bids).withTimestamps { bid in EventTime(milliseconds: bid.dateTime) }
    /// ```
    ///
    /// Keeps the source's name, uid and other settings. Stages after it still fuse into its read
    /// loop.
    ///
    /// - Complexity: one call of `timestamp` per record, no allocation.
    @inlinable
    public func withTimestamps(
        _ timestamp: @escaping @Sendable (Output) throws -> EventTime
    ) -> Source<TimestampedReader<Reader, ClosureTimestampAssigner<Output>>> {
        withTimestamps(assigner: ClosureTimestampAssigner(timestamp))
    }

    /// ``withTimestamps(_:)`` with the assigner written as a type, which the compiler can inline
    /// into the read loop.
    ///
    /// - Complexity: one call of the assigner per record, no allocation.
    @inlinable
    public func withTimestamps<Assigner: TimestampAssigner>(assigner: Assigner) -> Source<TimestampedReader<Reader, Assigner>>
    where Assigner.Element == Output {
        let make = makeReader
        var source = Source<TimestampedReader<Reader, Assigner>>(kind: attributes.kind, isParallel: isParallel) {
            TimestampedReader(make(), assigner: assigner)
        }
        source.attributes = attributes
        return source
    }
}
