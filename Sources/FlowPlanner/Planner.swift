import FlowCore
public import FlowGraph

/// Turns a ``LogicalGraph`` into a ``PhysicalPlan``: validates it, derives stable operator ids,
/// chooses partitioners, fuses runs of pure stages into tasks and places tasks on backends
/// (a stage's `.backend(_:)` hint, else the configuration's backend).
///
/// ```
/// LogicalGraph ─► validate ─► derive uids ─► partitioning ─► fusion ─► PhysicalPlan
/// ```
///
/// Fusion follows Flink's chaining rule: a stage joins its upstream's task when it is pure (or a
/// sink), has exactly one input, that input is a forward edge from a stage with exactly one
/// output, both run at the same parallelism and on the same backend, and neither the job nor the
/// stage disabled fusion.
public struct Planner: Sendable {
    /// How records will move; also the defaults for stages that set nothing.
    public var configuration: ExecutionConfiguration

    public init(configuration: ExecutionConfiguration = ExecutionConfiguration()) {
        self.configuration = configuration
    }

    /// Plans `graph`.
    ///
    /// - Throws: ``FlowError`` with code `.invalidGraph` or `.invalidConfiguration`, naming the
    ///   stage at fault.
    public func plan(_ graph: LogicalGraph) throws -> PhysicalPlan {
        try validateConfiguration()
        let validated = try GraphValidator(graph: graph, configuration: configuration).validate()
        let uids = UIDDeriver(graph: graph, order: validated.order).derive()
        let parallelism = graph.nodes.map { $0.attributes.parallelism ?? configuration.defaultParallelism }
        let maxParallelism = graph.nodes.map { $0.attributes.maxParallelism ?? configuration.defaultMaxParallelism }
        var fusion = FusionPass(graph: graph, order: validated.order, uids: uids, parallelism: parallelism,
                                maxParallelism: maxParallelism, configuration: configuration)
        return fusion.run()
    }

    private func validateConfiguration() throws {
        func check(_ value: Int, _ name: String) throws {
            guard value >= 1 else {
                throw FlowError(.invalidConfiguration, "\(name) must be at least 1, got \(value)")
            }
        }
        try check(configuration.batchSize, "batchSize")
        try check(configuration.channelCredits, "channelCredits")
        try check(configuration.defaultParallelism, "defaultParallelism")
        try check(configuration.defaultMaxParallelism, "defaultMaxParallelism")
        guard configuration.flushTimeout > .zero else {
            throw FlowError(.invalidConfiguration, "flushTimeout must be positive, got \(configuration.flushTimeout)")
        }
        guard [BackendKind.sync, .dispatch, .actor].contains(configuration.backend) else {
            throw FlowError(.invalidConfiguration, "backend '\(configuration.backend)' is not one of sync, dispatch, actor")
        }
        guard configuration.defaultParallelism <= configuration.defaultMaxParallelism else {
            throw FlowError(.invalidConfiguration, "defaultParallelism \(configuration.defaultParallelism) exceeds defaultMaxParallelism \(configuration.defaultMaxParallelism)")
        }
    }
}
