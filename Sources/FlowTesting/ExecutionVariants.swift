public import Flow

/// Configurations that must not change a job's output: batch sizes from 1 record up, 1 or more
/// credits per channel, fusion on and off.
///
/// ```swift
/// let out = CollectedRecords<Int>()
/// let results = try await ExecutionVariants.run(
///     makeJob: { configuration in out.removeAll(); return try makeJob(configuration, into: out) },
///     collect: { out.records })
/// for (configuration, output) in results { #expect(output == results[0].output, "\(configuration)") }
/// ```
public enum ExecutionVariants {
    /// The standard set: every combination of batch size {1, 3, 64, 1024}, credits {1, 4} and
    /// fusion {on, off}.
    public static var standard: [ExecutionConfiguration] {
        var variants: [ExecutionConfiguration] = []
        for batchSize in [1, 3, 64, 1024] {
            for credits in [1, 4] {
                for fusion in [true, false] {
                    variants.append(ExecutionConfiguration(batchSize: batchSize, channelCredits: credits, fusionEnabled: fusion))
                }
            }
        }
        return variants
    }

    /// Runs `makeJob` under every configuration of `variants`, collecting what `collect` returns
    /// after each run, and returns the results paired with their configuration.
    public static func run<Output>(
        _ variants: [ExecutionConfiguration] = standard,
        makeJob: (ExecutionConfiguration) throws -> Job,
        collect: () -> Output
    ) async throws -> [(configuration: ExecutionConfiguration, output: Output)] {
        var results: [(ExecutionConfiguration, Output)] = []
        for configuration in variants {
            let job = try makeJob(configuration)
            try await job.run()
            results.append((configuration, collect()))
        }
        return results
    }
}

extension Dictionary {
    /// The last value per key of a stream of keyed updates (what a running aggregation converges to).
    public init(lastValues updates: [Keyed<Key, Value>]) where Key: Sendable, Value: Sendable {
        self.init()
        for update in updates { self[update.key] = update.value }
    }
}
