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
///
/// The plan's ``PhysicalPlan/warnings`` name every stage that keeps keyed state without a
/// user-set uid: its derived uid follows the stages before it, so a change there loses its state.
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
        var fusion = FusionPass(
            graph: graph, order: validated.order, uids: uids, parallelism: parallelism,
            maxParallelism: maxParallelism, configuration: configuration)
        var plan = fusion.run()
        plan.warnings = Self.warnings(graph, order: validated.order, uids: uids)
        plan.registry = PlanRegistry(graph: graph, uids: uids, order: validated.order)
        return plan
    }

    /// A warning per stage that keeps keyed state under a derived uid, in graph order.
    static func warnings(_ graph: LogicalGraph, order: [NodeID], uids: [String]) -> [PlanWarning] {
        order.compactMap { id in
            let node = graph[id]
            guard node.isKeyed, node.attributes.uid == nil else { return nil }
            let name = node.attributes.displayName
            return PlanWarning(
                .derivedUIDOnStatefulStage, stageName: name, stageID: uids[id.rawValue],
                message:
                    "\(node.attributes.kind) keeps keyed state under the derived uid \(uids[id.rawValue]), which changes when a stage is added or removed before it (its state would then not be restored); set one with .uid(\"…\")"
            )
        }
    }

    /// Checks every setting against its range (``ExecutionConfiguration/batchSizeRange`` and the
    /// others), so a value that would overflow or exhaust memory at run time fails here.
    private func validateConfiguration() throws {
        func check(_ value: Int, _ name: String, in range: ClosedRange<Int>, _ advice: String) throws {
            guard range.contains(value) else {
                throw FlowError(.invalidConfiguration, "\(name) must be in \(range.lowerBound)...\(range.upperBound), got \(value): \(advice)")
            }
        }
        try check(
            configuration.batchSize, "batchSize", in: ExecutionConfiguration.batchSizeRange,
            "every task allocates whole batches of this many records; choose a size in the range (the default, 1024, suits most jobs)")
        try check(
            configuration.channelCredits, "channelCredits", in: ExecutionConfiguration.channelCreditsRange,
            "every bridge allocates a slot per credit and holds up to that many batches; choose a count in the range (the default is 4)")
        try check(
            configuration.channelByteBudget, "channelByteBudget", in: ExecutionConfiguration.channelByteBudgetRange,
            "it bounds the bytes of records a bridge holds in flight; choose a size in the range (the default is 16 MiB)")
        try check(
            configuration.defaultMaxParallelism, "defaultMaxParallelism", in: ExecutionConfiguration.maxParallelismRange,
            "it is the number of key groups of stages that set none; choose a count in the range (the default is \(KeyGroup.defaultMaxParallelism))")
        try check(
            configuration.defaultParallelism, "defaultParallelism", in: ExecutionConfiguration.parallelismRange,
            "it is the number of instances of stages that set none; choose a count in the range (the default is 1)")
        guard configuration.flushTimeout > .zero && configuration.flushTimeout <= ExecutionConfiguration.maximumFlushTimeout else {
            throw FlowError(
                .invalidConfiguration,
                "flushTimeout must be positive and at most 1 hour, got \(configuration.flushTimeout): it bounds how long a record waits in a partly filled batch; choose a duration in that range (the default is 1 ms)"
            )
        }
        guard [BackendKind.sync, .dispatch, .actor].contains(configuration.backend) else {
            throw FlowError(.invalidConfiguration, "backend '\(configuration.backend)' is not one of sync, dispatch, actor")
        }
        guard configuration.defaultParallelism <= configuration.defaultMaxParallelism else {
            throw FlowError(
                .invalidConfiguration,
                "defaultParallelism \(configuration.defaultParallelism) exceeds defaultMaxParallelism \(configuration.defaultMaxParallelism): a stage cannot run more instances than it has key groups; lower defaultParallelism or raise defaultMaxParallelism"
            )
        }
    }
}
