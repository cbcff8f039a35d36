// swift-tools-version: 6.2
import PackageDescription

// Benchmarks for Flow, in their own package so the main build stays light.
//
// Run every package benchmark (release build, several minutes the first time):
//   cd Benchmarks && swift package --disable-sandbox benchmark --format markdown
// One target only:
//   cd Benchmarks && swift package --disable-sandbox benchmark --target BridgeBenchmarks --format markdown
// The latency run is a plain executable (it reports percentiles, not iterations):
//   cd Benchmarks && swift run -c release LatencyBenchmark
// So is the keyed sum on every backend (the harness leaves async code one pool thread):
//   cd Benchmarks && swift run -c release SumBackendsBenchmark
// The fused chain at any batch size, best and median of N runs (for sweeps and perf):
//   cd Benchmarks && swift run -c release FusedChainSweep typed 10 64 1024 4096
// 1 MiB records through a keyed exchange into a slow sink, peak resident memory per process:
//   cd Benchmarks && swift run -c release BigRecordsBenchmark 2
// 10M event-time timers over 1M keys registered, then fired in steps of 4096 by one sweep:
//   cd Benchmarks && swift run -c release TimerSweep
// The time a task takes to handle an action posted to its mailbox, busy and idle, per backend:
//   cd Benchmarks && swift run -c release MailboxLatency 500
// `make bench` at the repository root runs all of them. Figures: Docs/PERFORMANCE.md.
let package = Package(
    name: "FlowBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Flow", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // Issue 2: fused chain vs hand-written loop vs AsyncStream.
        .executableTarget(
            name: "FusedChainBenchmarks",
            dependencies: [
                .product(name: "Flow", package: "Flow"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/FusedChain",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Issue 3: one RingBridge between two threads, raw and inside a two-task job.
        .executableTarget(
            name: "BridgeBenchmarks",
            dependencies: [
                .product(name: "Flow", package: "Flow"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Bridge",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Issue 3: keyed running sum over Nexmark bids (Flink's `sum` query) at parallelism 1 and 2.
        .executableTarget(
            name: "KeyedSumBenchmarks",
            dependencies: [
                .product(name: "Flow", package: "Flow"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/KeyedSum",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Issue 3: end-to-end latency at 1M records/s (percentiles with HdrHistogram). A plain
        // executable, outside Benchmarks/: the benchmark plugin runs every executable target whose
        // folder sits in a folder named "Benchmarks" as a package benchmark.
        .executableTarget(
            name: "LatencyBenchmark",
            dependencies: [
                .product(name: "Flow", package: "Flow"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Tools/Latency"  // Measure.swift: a symlink to Benchmarks/KeyedSum/Measure.swift
        ),
        // Issue 2: the fused chain's jobs at any batch size, outside the harness (batch-size
        // sweeps, profiling). Workload.swift and Variants.swift are symlinks to the benchmark's.
        .executableTarget(
            name: "FusedChainSweep",
            dependencies: [
                .product(name: "Flow", package: "Flow"),
            ],
            path: "Tools/FusedChain"
        ),
        // Issue 3: the keyed sum on every backend (dispatch, actor, sync). A plain executable, like
        // the latency run: package-benchmark leaves async code one thread of the cooperative pool.
        // Nexmark.swift, SumJob.swift and Measure.swift are symlinks to the KeyedSum benchmark's, so both run the
        // same job.
        .executableTarget(
            name: "SumBackendsBenchmark",
            dependencies: [
                .product(name: "Flow", package: "Flow"),
            ],
            path: "Tools/SumBackends"
        ),
        // 1 MiB strings through a keyed exchange into a slow sink; peak resident memory of the
        // process (one job per run).
        .executableTarget(
            name: "BigRecordsBenchmark",
            dependencies: [
                .product(name: "Flow", package: "Flow"),
            ],
            path: "Tools/BigRecords"
        ),
        // 10M event-time timers over 1M keys in one TimerService, fired by one watermark sweep in
        // bounded steps: timers/s, peak resident memory, the longest step.
        .executableTarget(
            name: "TimerSweep",
            dependencies: [
                .product(name: "Flow", package: "Flow"),
            ],
            path: "Tools/TimerSweep"
        ),
        // The time from posting an action to a task's mailbox to its handling, busy and idle, on
        // each backend (p50 / p99).
        .executableTarget(
            name: "MailboxLatency",
            dependencies: [
                .product(name: "Flow", package: "Flow"),
            ],
            path: "Tools/MailboxLatency"
        ),
    ],
    swiftLanguageModes: [.v6]
)
