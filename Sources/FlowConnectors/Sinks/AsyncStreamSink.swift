public import FlowCore

/// Hands records to a host app as an async sequence it can iterate, with backpressure.
///
/// ```swift
/// let (updates, sink) = AsyncStreamSink<Keyed<String, Int>>.makeStream()
/// let job = try Job("counts") { …; Sink(sink) }
/// let handle = job.start()
/// for await update in updates { … }   // ends when the job ends, fails or is cancelled
/// ```
/// A stream ends with its job: make a new stream and sink for each run of a job (a second run
/// into a finished stream would drop its records).
///
/// By default the stream is a ``RecordStream`` that buffers at most `capacity` records: when the
/// app reads more slowly than the job writes, the sink's writes wait, and the job slows down to
/// the app's pace, losing nothing. ``makeStream(bufferingPolicy:)`` gives the old `AsyncStream`,
/// which cannot push back: unbounded, or bounded by dropping records the app did not take in time.
public struct AsyncStreamSink<Element: Sendable>: TypedSinkSpecification {
    public var kind: String { "AsyncStream" }
    let target: Target

    /// Where the writers put records.
    enum Target: Sendable {
        /// A bounded stream whose writes wait for room.
        case bounded(_RecordStreamStorage<Element>)
        /// An `AsyncStream`, which buffers by its policy and never waits.
        case stream(AsyncStream<Element>.Continuation)
    }

    /// The default capacity of a stream from ``makeStream(capacity:)``: 1024 records.
    public static var defaultCapacity: Int { 1024 }

    /// A stream of at most `capacity` buffered records and the sink that feeds it: the job waits
    /// for the app when the stream is full. Use the sink in one job, at parallelism 1 or more.
    ///
    /// - Precondition: `capacity >= 1`.
    public static func makeStream(capacity: Int = defaultCapacity) -> (stream: RecordStream<Element>, sink: AsyncStreamSink<Element>) {
        let storage = _RecordStreamStorage<Element>(capacity: capacity)
        return (RecordStream(storage: storage), AsyncStreamSink(target: .bounded(storage)))
    }

    /// An `AsyncStream` and the sink that feeds it, buffering by `bufferingPolicy`: `.unbounded`
    /// keeps every record however far the app falls behind (memory grows without bound), the
    /// other policies drop records. The job never waits for the app. Prefer
    /// ``makeStream(capacity:)``.
    public static func makeStream(
        bufferingPolicy: AsyncStream<Element>.Continuation.BufferingPolicy
    ) -> (stream: AsyncStream<Element>, sink: AsyncStreamSink<Element>) {
        let (stream, continuation) = AsyncStream<Element>.makeStream(bufferingPolicy: bufferingPolicy)
        return (stream, AsyncStreamSink(target: .stream(continuation)))
    }

    public func makeWriter() -> AnyOperator<Element, Never> { AnyOperator(writer: Writer(target: target)) }

    struct Writer: SinkWriter {
        let target: Target

        /// Buffers the batch; into a bounded stream, waits while it is full.
        ///
        /// - Complexity: O(batch.count).
        mutating func write(_ batch: inout Batch<Element>) async throws {
            switch target {
            case .bounded(let storage): await storage.send(batch.records)
            case .stream(let continuation): for record in batch.records { continuation.yield(record) }
            }
            batch.removeAll(keepingCapacity: true)
        }

        /// Buffers the batch if it can without waiting: always into an `AsyncStream`, into a
        /// bounded stream if the whole batch fits.
        ///
        /// - Complexity: O(batch.count) when it writes, O(1) otherwise.
        mutating func writeImmediately(_ batch: inout Batch<Element>) -> Bool {
            switch target {
            case .bounded(let storage):
                guard storage.sendImmediately(batch.records) else { return false }
            case .stream(let continuation):
                for record in batch.records { continuation.yield(record) }
            }
            batch.removeAll(keepingCapacity: true)
            return true
        }

        mutating func close() async {
            switch target {
            case .bounded(let storage): storage.finish()
            case .stream(let continuation): continuation.finish()
            }
        }
    }
}
