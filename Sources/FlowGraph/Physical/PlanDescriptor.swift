import FlowCore
import Foundation

/// A physical plan as data: everything a worker needs to run a job's tasks except the code, which
/// it has already (every worker runs the same binary, as in Flink's application mode).
///
/// A ``PhysicalPlan`` holds the job's factories (closures), so it cannot leave its process; its
/// ``PhysicalPlan/descriptor`` holds only names: the tasks, their stages (uid, kind, name), the
/// bodies each task runs, referred to by key and with their record types, the edges and their
/// partitioning, parallelism, max parallelism, backends and the configuration. It is `Codable`:
/// send it as JSON (``encoded()``, ``decoded(from:)``). A worker binds it to the ``PlanRegistry``
/// of the job it built itself (``PhysicalPlan/init(_:boundTo:)``), which refuses a descriptor of
/// another job, naming the first difference.
///
/// Specs/PlanDescriptor.md documents the format.
public struct PlanDescriptor: Codable, Sendable, Hashable {
    /// The format's version: a descriptor of another version is refused.
    public static let formatVersion = 1

    /// The format's version this descriptor was written in.
    public var version: Int
    /// The job's name.
    public var jobName: String
    /// How records move.
    public var configuration: Configuration
    /// The tasks, in topological order.
    public var tasks: [Task]
    /// The edges between tasks.
    public var edges: [Edge]
    /// A stable hash of the job's shape (stages, bodies and their types, edges), 16 hex digits:
    /// the same for every placement of the same job (parallelism and backends do not count).
    public var fingerprint: String

    /// ``ExecutionConfiguration`` as data.
    public struct Configuration: Codable, Sendable, Hashable {
        public var batchSize: Int
        public var flushTimeoutNanoseconds: Int64
        public var channelCredits: Int
        public var channelByteBudget: Int
        public var defaultParallelism: Int
        public var defaultMaxParallelism: Int
        public var fusionEnabled: Bool
        public var backend: String
    }

    /// One task: its stages, what runs them, and its placement.
    public struct Task: Codable, Sendable, Hashable {
        public var id: Int
        public var stages: [Stage]
        public var head: Head
        public var pieces: [Piece]
        public var tail: Tail
        public var parallelism: Int
        public var maxParallelism: Int
        public var backend: String
        public var backendIsUserSet: Bool
    }

    /// One stage of a task.
    public struct Stage: Codable, Sendable, Hashable {
        public var uid: String
        public var kind: String
        public var name: String
        public var uidIsUserSet: Bool
    }

    /// A body in the registry: its key and the record types it consumes and produces
    /// (module-qualified type names; `nil` where it has none).
    public struct Body: Codable, Sendable, Hashable {
        public var key: String
        public var input: String?
        public var output: String?
        public var stageCount: Int
    }

    /// Where a task's records come from.
    public enum Head: Codable, Sendable, Hashable {
        case source(body: Body)
        case input
    }

    /// A piece of a task's body.
    public struct Piece: Codable, Sendable, Hashable {
        public var body: Body
        public var isStaticChain: Bool
    }

    /// Where a task's records go.
    public enum Tail: Codable, Sendable, Hashable {
        case sink(body: Body)
        case output
    }

    /// An edge between two tasks.
    public struct Edge: Codable, Sendable, Hashable {
        public var from: Int
        public var to: Int
        public var partitioning: Partitioning
        /// The side output it carries: the tag's name and record type.
        public var sideOutput: SideOutput?
    }

    /// A side output tag as data.
    public struct SideOutput: Codable, Sendable, Hashable {
        public var id: String
        public var elementType: String
    }

    /// An edge's partitioning; a hash or custom partitioner by its key in the registry.
    public enum Partitioning: Codable, Sendable, Hashable {
        case forward
        case rebalance
        case broadcast
        case hash(partitioner: Partitioner)
        case custom(partitioner: Partitioner)
    }

    /// A partitioner in the registry: its key, the record type it partitions, and its label.
    public struct Partitioner: Codable, Sendable, Hashable {
        public var key: String
        public var elementType: String
        public var label: String
    }

    /// The descriptor as JSON (keys sorted, so equal descriptors give equal bytes).
    public func encoded() throws -> [UInt8] {
        try _PlanJSON.encode(self)
    }

    /// A descriptor from the JSON ``encoded()`` wrote.
    ///
    /// - Throws: ``FlowError`` (``FlowError/Code/malformedData``) for bytes that are not a
    ///   descriptor, one of another format version, or one whose shape does not match its
    ///   fingerprint (edited or damaged on the way; a change of placement keeps the fingerprint).
    public static func decoded(from bytes: [UInt8]) throws -> PlanDescriptor {
        let descriptor: PlanDescriptor
        do {
            descriptor = try _PlanJSON.decode(bytes)
        } catch {
            throw FlowError(.malformedData, "the bytes are not a plan descriptor: \(error)", underlying: error)
        }
        guard descriptor.version == formatVersion else {
            throw FlowError(.malformedData, "the plan descriptor is of format version \(descriptor.version); this build reads version \(formatVersion)")
        }
        let fingerprint = Self.fingerprint(of: descriptor.shape)
        guard descriptor.fingerprint == fingerprint else {
            throw FlowError(
                .malformedData,
                "the plan descriptor's fingerprint \(descriptor.fingerprint) does not match its stages, bodies and edges (\(fingerprint)): it was changed or damaged on the way"
            )
        }
        return descriptor
    }

    /// The lines the fingerprint hashes: the job's shape without its placement.
    var shape: [String] {
        var lines: [String] = []
        func describe(_ body: Body) -> String { "\(body.key) \(body.input ?? "-") \(body.output ?? "-") \(body.stageCount)" }
        for task in tasks {
            lines.append("task \(task.stages.map { "\($0.kind):\($0.uid)" }.joined(separator: ","))")
            if case .source(let body) = task.head { lines.append("source \(describe(body))") }
            for piece in task.pieces { lines.append("piece \(describe(piece.body)) \(piece.isStaticChain)") }
            if case .sink(let body) = task.tail { lines.append("sink \(describe(body))") }
        }
        for edge in edges {
            let partitioning =
                switch edge.partitioning {
                case .forward: "forward"
                case .rebalance: "rebalance"
                case .broadcast: "broadcast"
                case .hash(let partitioner): "hash \(partitioner.key) \(partitioner.elementType)"
                case .custom(let partitioner): "custom \(partitioner.key) \(partitioner.elementType)"
                }
            lines.append("edge \(edge.from)>\(edge.to) \(partitioning) \(edge.sideOutput.map { "\($0.id):\($0.elementType)" } ?? "-")")
        }
        return lines
    }

    /// The fingerprint of `shape`.
    static func fingerprint(of shape: [String]) -> String {
        var hasher = StableHasher()
        for line in shape { line.stableHash(into: &hasher) }
        let hex = String(hasher.finalize(), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// A type's name as a descriptor writes it: module-qualified, the same in every process of one binary.
public func flowQualifiedTypeName(_ type: Any.Type) -> String {
    String(reflecting: type)
}

/// JSON for descriptors (Foundation stays inside FlowGraph). Not API.
enum _PlanJSON {
    static func encode(_ descriptor: PlanDescriptor) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(descriptor))
    }

    static func decode(_ bytes: [UInt8]) throws -> PlanDescriptor {
        try JSONDecoder().decode(PlanDescriptor.self, from: Data(bytes))
    }
}
