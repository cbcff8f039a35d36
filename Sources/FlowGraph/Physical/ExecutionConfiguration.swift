public import FlowCore

/// How the runtime moves records: batch size, flush timeout and the credit window of each bridge.
///
/// The planner rejects a value outside its range (see the fields, and
/// `ExecutionConfiguration+Limits.swift`) with `.invalidConfiguration` when the job is created.
public struct ExecutionConfiguration: Sendable, Hashable {
    /// Records per batch: a batch is sent when it holds this many records, when it is older than
    /// ``flushTimeout``, or when its task runs out of input. Default 1024; 1...1,048,576 (2^20,
    /// ``batchSizeRange``).
    public var batchSize: Int
    /// The longest a record waits in a partly filled output batch while its task stays busy.
    /// Default 1 ms: a trickle of records is not held back, and under load batches fill first.
    /// Positive and at most 1 hour (``maximumFlushTimeout``).
    public var flushTimeout: Duration
    /// Elements (batches or control elements) a bridge holds in flight: the credits its receiver
    /// grants. Default 4; 1...4096 (``channelCreditsRange``).
    public var channelCredits: Int
    /// Bytes of records a bridge holds in flight at most: each of its ``channelCredits`` batches
    /// closes at `channelByteBudget / channelCredits` bytes if it reaches that before
    /// ``batchSize`` records (a single record larger than that share travels alone). Records are
    /// measured by `ByteSized` where they conform, by their stride otherwise. A task also keeps what
    /// one of its steps made until it has credit to send it, and each step is paced to make about
    /// one batch's share. Default 16 MiB, so records up to 4 KiB travel in full batches of 1024;
    /// 1 byte (every batch then holds one record) to 2^40 (``channelByteBudgetRange``).
    public var channelByteBudget: Int
    /// Parallelism of stages that set none. Default 1; 1...32768 (``parallelismRange``) and at
    /// most ``defaultMaxParallelism``.
    public var defaultParallelism: Int
    /// Key groups of stages that set none. Default ``KeyGroup/defaultMaxParallelism`` (128);
    /// 1...32768 (``maxParallelismRange``).
    public var defaultMaxParallelism: Int
    /// Whether pure stages are fused into their upstream task. Default `true`.
    public var fusionEnabled: Bool
    /// The backend of tasks whose stages chose none. Default ``BackendKind/sync``; running a job
    /// on a backend (`job.run(on: .dispatch)`) moves these tasks there.
    public var backend: BackendKind

    public init(
        batchSize: Int = 1024, flushTimeout: Duration = .milliseconds(1), channelCredits: Int = 4,
        channelByteBudget: Int = 16 << 20,
        defaultParallelism: Int = 1, defaultMaxParallelism: Int = KeyGroup.defaultMaxParallelism,
        fusionEnabled: Bool = true, backend: BackendKind = .sync
    ) {
        self.batchSize = batchSize
        self.flushTimeout = flushTimeout
        self.backend = backend
        self.channelCredits = channelCredits
        self.channelByteBudget = channelByteBudget
        self.defaultParallelism = defaultParallelism
        self.defaultMaxParallelism = defaultMaxParallelism
        self.fusionEnabled = fusionEnabled
    }
}

extension ExecutionConfiguration {
    /// The most bytes one batch on a bridge holds: `channelByteBudget / channelCredits`, at least 1.
    public var batchByteLimit: Int { Swift.max(1, channelByteBudget / Swift.max(1, channelCredits)) }
}
