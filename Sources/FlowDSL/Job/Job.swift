import FlowCore
public import FlowGraph
import FlowPlanner
public import FlowRuntime
public import Logging

/// A dataflow job: its graph, how it runs, and its plan.
///
/// Creating a job validates and plans it, so a bad graph fails here, with a message naming the
/// stage, before anything runs. A job is a value: run it as often as you like; every run starts
/// from fresh operator state and makes fresh readers and writers. The one exception is a source
/// made from one `AsyncSequence` value (`Source(stream)`), which most sequences allow to be read
/// once: only one run reads it, and a later run fails when its source opens, with
/// `.invalidConfiguration` naming the stage. Make such a source with
/// `Source(makeSequence: { … })`, which makes a fresh sequence for every run, to run the job again.
///
/// ```swift
/// let job = try Job("doubled") {
///     Source([1, 2, 3])
///     Map { (x: Int) in x * 2 }
///     Sink(.print())
/// }
/// try await job.run()              // embedded: runs here, returns when the input ends
/// let handle = job.start()         // or in the background
/// ```
public struct Job: Sendable {
    /// The job's logical graph.
    public let graph: LogicalGraph
    /// How records move and the defaults for stages that set nothing.
    public let configuration: ExecutionConfiguration
    /// The physical plan: tasks, fused chains, edges.
    public let plan: PhysicalPlan

    /// A job from a logical graph.
    ///
    /// - Throws: ``FlowError`` `.invalidGraph` / `.invalidConfiguration`, naming the stage.
    public init(graph: LogicalGraph, configuration: ExecutionConfiguration = ExecutionConfiguration()) throws {
        self.graph = graph
        self.configuration = configuration
        plan = try Planner(configuration: configuration).plan(graph)
    }

    /// A job from stages listed with the result-builder DSL.
    ///
    /// - Throws: ``FlowError`` `.invalidGraph` / `.invalidConfiguration`, naming the stage.
    public init(
        _ name: String, configuration: ExecutionConfiguration = ExecutionConfiguration(),
        @JobBuilder _ body: () -> _ClosedPipeline
    ) throws {
        var graph = body().graph
        graph.name = name
        try self.init(graph: graph, configuration: configuration)
    }

    /// A pipeline that does not end in a sink is not a job.
    @available(*, unavailable, message: "a job ends with a Sink: add one as its last stage, such as Sink(.print()) or Sink(.collect(into: results))")
    public init<Head: _PipelineHead>(
        _ name: String, configuration: ExecutionConfiguration = ExecutionConfiguration(),
        @JobBuilder _ body: () -> Head
    ) throws {
        fatalError("unavailable")
    }

    /// A job built with the fluent API, for graphs that branch and merge.
    ///
    /// - Throws: ``FlowError`` `.invalidGraph` for a misuse of the fluent API or a bad graph,
    ///   or what `build` throws.
    public static func graph(
        _ name: String, configuration: ExecutionConfiguration = ExecutionConfiguration(),
        _ build: (JobGraph) throws -> Void
    ) throws -> Job {
        let builder = JobGraph(name: name)
        try build(builder)
        if let first = builder.errors.first {
            throw FlowError(.invalidGraph, "job '\(name)': \(first)")
        }
        return try Job(graph: builder.graph, configuration: configuration)
    }

    /// The same job with a changed configuration (replanned).
    public func configured(_ change: (inout ExecutionConfiguration) -> Void) throws -> Job {
        var configuration = configuration
        change(&configuration)
        return try Job(graph: graph, configuration: configuration)
    }

    /// The job's name.
    public var name: String { graph.name }

    /// The physical plan as text, DOT or JSON; fused stages are shown inside one task. Tasks show
    /// the backend ``run()`` runs them on (the configuration's, unless a stage chose one); see
    /// ``explain(_:on:)`` for a run on another backend. The plan's warnings come last.
    public func explain(_ format: ExplainFormat = .text) -> String {
        plan.explain(format)
    }

    /// The plan as ``run(on:)`` and ``start(on:)`` run it: every task whose stages chose no backend
    /// is shown on `backend`.
    public func explain(_ format: ExplainFormat = .text, on backend: some ExecutionBackend) -> String {
        plan.placed(on: backend.kind).explain(format)
    }

    /// Runs the job here until its input ends, and returns the counts of every stage. Tasks whose
    /// stages chose no backend run on the configuration's ``ExecutionConfiguration/backend``
    /// (default `.sync`).
    ///
    /// Cancelling the calling task stops the job (it then throws `.cancelled`).
    ///
    /// - Throws: ``FlowError``: the failing stage with the root cause, or `.cancelled`.
    @discardableResult
    public func run() async throws -> JobResult {
        try await JobExecution(plan: plan).run()
    }

    /// Runs the job with every task whose stages chose no backend on `backend`
    /// (`.sync`, `.sync(seed:)`, `.dispatch`, `.actor`), and returns the counts.
    ///
    /// - Throws: ``FlowError``: the failing stage with the root cause, or `.cancelled`.
    @discardableResult
    public func run(on backend: some ExecutionBackend) async throws -> JobResult {
        try await JobExecution(plan: plan, backend: backend).run()
    }

    /// Runs the job like ``run(on:)``, logging its start, plan, warnings and end to `logger`
    /// (see ``FlowRuntime/JobExecution``: `info` for the start and the end, `debug` for the plan,
    /// `warning` for each plan warning, `error` for a failure with its stage).
    ///
    /// - Throws: ``FlowError``: the failing stage with the root cause, or `.cancelled`.
    @discardableResult
    public func run(on backend: some ExecutionBackend, logger: Logger) async throws -> JobResult {
        try await JobExecution(plan: plan, backend: backend, logger: logger).run()
    }

    /// Starts the job in the background and returns a handle to watch, await, stop or cancel it.
    public func start() -> JobHandle {
        JobHandle(execution: JobExecution(plan: plan))
    }

    /// Starts the job in the background on `backend` and returns a handle.
    public func start(on backend: some ExecutionBackend) -> JobHandle {
        JobHandle(execution: JobExecution(plan: plan, backend: backend))
    }

    /// Starts the job in the background on `backend`, logging to `logger`, and returns a handle.
    public func start(on backend: some ExecutionBackend, logger: Logger) -> JobHandle {
        JobHandle(execution: JobExecution(plan: plan, backend: backend, logger: logger))
    }
}
