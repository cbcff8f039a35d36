public import FlowConnectors
public import FlowCore
public import FlowGraph

/// The fluent way to write a job: streams that branch, merge and end in several sinks.
///
/// ```swift
/// let job = try Job.graph("alerts") { graph in
///     let readings = graph.source(Source(sensorReadings))
///     let hot = readings.filter { $0.celsius > 80 }
///     hot.sink(.print(prefix: "HOT "))
///     readings.keyBy { $0.sensor }.max { $0.celsius }.sink(.collect(into: maxima))
/// }
/// ```
///
/// ## Concurrency
/// Not thread-safe: build a graph from one task, then turn it into a `Job` (which is `Sendable`).
public final class JobGraph {
    /// The graph built so far.
    public var graph: LogicalGraph { _graph }
    @usableFromInline var _graph: LogicalGraph
    /// Misuses of the fluent API, reported when the graph becomes a `Job`.
    public private(set) var errors: [String] = []

    /// An empty graph for job `name`.
    public init(name: String) {
        _graph = LogicalGraph(name: name)
    }

    /// Adds a source and returns its stream.
    @inlinable
    public func source<Reader>(_ source: Source<Reader>) -> DataStream<Reader.Output> {
        let id = _graph.addNode(source.attributes, body: .source(SourceBody(isParallel: source.isParallel, make: source.makeErasedReader)))
        return DataStream(graph: self, tails: [(id, .forward)], node: id)
    }

    /// Remembers a misuse, to be thrown by `Job.graph`.
    @usableFromInline
    func recordError(_ message: String) {
        errors.append(message)
    }

    /// Runs `change` on the attributes of node `id`.
    @usableFromInline
    func update(_ id: NodeID, _ change: (inout StageAttributes) -> Void) {
        _graph.updateAttributes(of: id, change)
    }
}
