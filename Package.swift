// swift-tools-version: 6.2
import PackageDescription

// Modules are layers; dependencies point down (see Docs/Concepts/Architecture.md and
// Tests/FlowArchitectureTests, which checks this list against the imports).
//
//   Flow (umbrella) ─► FlowDSL ─► FlowPlanner ─► FlowGraph ─► FlowCore
//                        │    └─► FlowRuntime ─► FlowGraph
//                        ├─► FlowOperators ─► FlowCore
//                        └─► FlowConnectors ─► FlowCore
//   FlowCodec ─► FlowCore        FlowTesting ─► FlowDSL        FlowServiceLifecycle ─► Flow

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // A warning fails the build of Flow's own modules (SwiftPM applies no warning settings of a
    // package to the packages that depend on it).
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "Flow",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Flow", targets: ["Flow"]),
        .library(name: "FlowTesting", targets: ["FlowTesting"]),
        .library(name: "FlowCodec", targets: ["FlowCodec"]),
        .library(name: "FlowServiceLifecycle", targets: ["FlowServiceLifecycle"]),
    ],
    dependencies: [
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
    ],
    targets: [
        .target(name: "FlowCore", swiftSettings: strict),
        .target(name: "FlowCodec", dependencies: ["FlowCore"], swiftSettings: strict),
        .target(name: "FlowGraph", dependencies: ["FlowCore"], swiftSettings: strict),
        .target(name: "FlowOperators", dependencies: ["FlowCore"], swiftSettings: strict),
        .target(name: "FlowConnectors", dependencies: ["FlowCore"], swiftSettings: strict),
        .target(name: "FlowPlanner", dependencies: ["FlowCore", "FlowGraph"], swiftSettings: strict),
        .target(name: "FlowRuntime", dependencies: ["FlowCore", "FlowGraph", .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .target(
            name: "FlowDSL",
            dependencies: ["FlowCore", "FlowGraph", "FlowOperators", "FlowConnectors", "FlowPlanner", "FlowRuntime",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "FlowServiceLifecycle",
            dependencies: ["Flow", .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strict
        ),
        .target(name: "FlowTesting", dependencies: ["Flow"], swiftSettings: strict),
        .target(
            name: "Flow",
            dependencies: ["FlowCore", "FlowCodec", "FlowGraph", "FlowOperators", "FlowConnectors", "FlowDSL", "FlowRuntime"],
            swiftSettings: strict
        ),

        .executableTarget(name: "WordCount", dependencies: ["Flow"], path: "Examples/WordCount", exclude: ["README.md"]),
        .executableTarget(name: "BidStream", dependencies: ["Flow"], path: "Examples/BidStream", exclude: ["README.md"]),
        .executableTarget(name: "PlanWorker", dependencies: ["Flow"], path: "Examples/PlanWorker", exclude: ["README.md"]),
        .executableTarget(
            name: "ServiceJob",
            dependencies: ["Flow", "FlowServiceLifecycle", .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            path: "Examples/ServiceJob", exclude: ["README.md"]
        ),

        .testTarget(name: "FlowCoreTests", dependencies: ["FlowCore", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "FlowCodecTests", dependencies: ["FlowCodec"]),
        .testTarget(name: "FlowGraphTests", dependencies: ["FlowGraph", "FlowCore"]),
        .testTarget(name: "FlowOperatorsTests", dependencies: ["FlowOperators", "FlowCore", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "FlowPlannerTests", dependencies: ["Flow", "FlowPlanner", "FlowGraph"]),
        .testTarget(name: "FlowRuntimeTests", dependencies: ["Flow", "FlowRuntime", "FlowTesting", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "FlowDSLTests", dependencies: ["Flow", "FlowTesting", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "FlowIntegrationTests", dependencies: ["Flow", "FlowTesting"]),
        .testTarget(name: "FlowArchitectureTests"),
    ],
    swiftLanguageModes: [.v6]
)
