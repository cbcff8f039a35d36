// swift-tools-version: 6.2
import PackageDescription

// Benchmarks for Flow, in their own package so the main build stays light.
//
// Run (release build, several minutes the first time):
//   cd Benchmarks && swift package --disable-sandbox benchmark --format markdown
let package = Package(
    name: "FlowBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Flow", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "FusedChainBenchmarks",
            dependencies: [
                .product(name: "Flow", package: "Flow"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/FusedChain",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
