public import FlowCore

/// Hands records to a host app as an `AsyncStream` it can iterate.
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
/// The stream buffers without bound by default (an `AsyncStream` cannot push back on the job):
/// pass a `bufferingPolicy` to bound it, knowing that the policy then drops records the host
/// did not take in time.
public struct AsyncStreamSink<Element: Sendable>: TypedSinkSpecification {
    public var kind: String { "AsyncStream" }
    let continuation: AsyncStream<Element>.Continuation

    /// A stream and the sink that feeds it. Use the sink in one job, at parallelism 1 or more.
    public static func makeStream(
        bufferingPolicy: AsyncStream<Element>.Continuation.BufferingPolicy = .unbounded
    ) -> (stream: AsyncStream<Element>, sink: AsyncStreamSink<Element>) {
        let (stream, continuation) = AsyncStream<Element>.makeStream(bufferingPolicy: bufferingPolicy)
        return (stream, AsyncStreamSink(continuation: continuation))
    }

    public func makeWriter() -> AnySinkWriter<Element> { AnySinkWriter(Writer(continuation: continuation)) }

    struct Writer: SinkWriter {
        let continuation: AsyncStream<Element>.Continuation

        mutating func write(_ batch: inout Batch<Element>) async throws {
            _ = writeImmediately(&batch)
        }

        /// Never suspends: the stream buffers without bound.
        mutating func writeImmediately(_ batch: inout Batch<Element>) -> Bool {
            for record in batch.records { continuation.yield(record) }
            batch.removeAll(keepingCapacity: true)
            return true
        }

        mutating func close() async { continuation.finish() }
    }
}
