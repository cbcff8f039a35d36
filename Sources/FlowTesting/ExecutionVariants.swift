public import Flow

/// One way to run a job that must not change its output: a configuration, a backend and, for
/// the sync backend's schedule controller, a seed.
public struct ExecutionVariant: Sendable, CustomStringConvertible {
    /// Batch size, credits, fusion.
    public var configuration: ExecutionConfiguration
    /// Where every task runs.
    public var backend: BackendKind
    /// The schedule controller's seed (sync backend), if any.
    public var seed: UInt64?

    public var description: String {
        let schedule = seed.map { "\(backend) seed \($0)" } ?? "\(backend)"
        return "\(schedule), batch \(configuration.batchSize), credits \(configuration.channelCredits), fusion \(configuration.fusionEnabled ? "on" : "off")"
    }
}

/// Runs a job every way that must not change its output: batch sizes from 1 record up, 1 or
/// more credits per bridge, fusion on and off, on the sync, dispatch and actor backends, and
/// under the schedule controller with many seeds.
///
/// ```swift
/// let out = CollectedRecords<Int>()
/// let results = try await ExecutionVariants.run(
///     makeJob: { configuration in out.removeAll(); return try makeJob(configuration, into: out) },
///     collect: { out.records })
/// for (variant, output) in results { #expect(output == results[0].output, "\(variant)") }
/// ```
///
/// Compare outputs where their order is defined: within one key, or within one input of a
/// task; across parallel instances or several inputs, the order depends on the schedule.
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

    /// The schedule controller's seeds every job runs under by default: 100.
    public static let standardSeeds: Range<UInt64> = 0..<100

    /// Runs `makeJob` every way and returns what `collect` returned after each run, paired
    /// with the variant. The first result is the sync backend, round robin, under
    /// `configurations[0]`.
    ///
    /// - Parameters:
    ///   - configurations: Each runs on the sync backend round robin, and on every backend of
    ///     `backends`.
    ///   - backends: Backends to run every configuration on besides the sync one. Default
    ///     dispatch and actor.
    ///   - seeds: Seeds of the schedule controller; seed *i* runs under configuration
    ///     *i* mod `configurations.count`. Default ``standardSeeds``.
    public static func run<Output>(
        _ configurations: [ExecutionConfiguration] = standard,
        backends: [BackendKind] = [.dispatch, .actor],
        seeds: Range<UInt64> = standardSeeds,
        makeJob: (ExecutionConfiguration) throws -> Job,
        collect: () -> Output
    ) async throws -> [(variant: ExecutionVariant, output: Output)] {
        var runs: [ExecutionVariant] = []
        for configuration in configurations {
            runs.append(ExecutionVariant(configuration: configuration, backend: .sync))
        }
        for backend in backends {
            for configuration in configurations {
                runs.append(ExecutionVariant(configuration: configuration, backend: backend))
            }
        }
        for seed in seeds where !configurations.isEmpty {
            runs.append(ExecutionVariant(configuration: configurations[Int(seed % UInt64(configurations.count))], backend: .sync, seed: seed))
        }
        var results: [(variant: ExecutionVariant, output: Output)] = []
        for variant in runs {
            let job = try makeJob(variant.configuration)
            let backend = variant.seed.map { SyncBackend(seed: $0) } ?? variant.backend.defaultBackend
            try await job.run(on: backend)
            results.append((variant, collect()))
        }
        return results
    }
}

/// The last value per key of a stream of keyed updates (what a running aggregation converges to).
/// A function, not an initializer on `Dictionary`: FlowTesting extends no standard-library type.
public func lastValues<Key: Hashable & Sendable, Value: Sendable>(_ updates: [Keyed<Key, Value>]) -> [Key: Value] {
    var values: [Key: Value] = [:]
    for update in updates { values[update.key] = update.value }
    return values
}
