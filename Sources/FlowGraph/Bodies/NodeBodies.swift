public import FlowCore

/// Makes the readers of a source stage: one per parallel instance.
///
/// Implementations are formed where the record type is concrete (the DSL does it), so the
/// readers they make are specialized; the runtime opens the existential once per task.
public protocol SourceFactory: Sendable {
    /// The type of the records produced.
    associatedtype Output: Sendable
    /// Whether the source can run as several instances that split the input between them.
    var isParallel: Bool { get }
    /// The number of stages one reader runs: 1, or more for a source fused with the pure stages
    /// after it.
    var stageCount: Int { get }
    /// Makes the reader of one instance, given its environment (its restored splits, if any, are
    /// handed to the reader by the task, through ``SourceReader/restoreSplits(_:)``).
    func makeReader(_ environment: OperatorEnvironment) -> AnyOperator<Never, Output>
}

extension SourceFactory {
    public var stageCount: Int { 1 }
}

/// Makes the operator instances of a transformation stage (or of a fused run of stages).
public protocol TransformFactory: Sendable {
    /// The type of the records consumed.
    associatedtype Input: Sendable
    /// The type of the records produced.
    associatedtype Output: Sendable
    /// The number of stages one operator runs.
    var stageCount: Int { get }
    /// Makes the operator of one instance, given its environment: the state backend to keep keyed
    /// state in (an operator is specialized for its backend's type here, so no call per record
    /// goes through an existential). Restored state is handed to the operator by the task, through
    /// ``OneInputOperator/restoreState(from:)``.
    func makeOperator(_ environment: OperatorEnvironment) -> AnyOperator<Input, Output>
}

/// Makes the writers of a sink stage.
public protocol SinkFactory: Sendable {
    /// The type of the records consumed.
    associatedtype Input: Sendable
    /// Makes the writer of one instance, given its environment.
    func makeWriter(_ environment: OperatorEnvironment) -> AnyOperator<Input, Never>
}

/// Makes the partitioner of a key-partitioned edge.
public protocol PartitionerFactory<Element>: Sendable {
    /// The type of the records partitioned.
    associatedtype Element: Sendable
    /// The key's type (and the KeyBy's name, if any), for `explain()`.
    var keyTypeName: String { get }
    /// Makes the partitioner of one sending instance.
    func makePartitioner() -> BatchPartitioner<Element>
}

/// A ``SourceFactory`` from a closure.
public struct SourceBody<Output: Sendable>: SourceFactory {
    public let isParallel: Bool
    public let stageCount: Int
    @usableFromInline let make: @Sendable (OperatorEnvironment) -> AnyOperator<Never, Output>

    @inlinable
    public init(isParallel: Bool, stageCount: Int = 1, make: @escaping @Sendable (OperatorEnvironment) -> AnyOperator<Never, Output>) {
        self.isParallel = isParallel
        self.stageCount = stageCount
        self.make = make
    }

    /// A body whose readers do not depend on their environment.
    @inlinable
    public init(isParallel: Bool, stageCount: Int = 1, make: @escaping @Sendable () -> AnyOperator<Never, Output>) {
        self.init(isParallel: isParallel, stageCount: stageCount) { (_: OperatorEnvironment) in make() }
    }

    public func makeReader(_ environment: OperatorEnvironment) -> AnyOperator<Never, Output> { make(environment) }
}

/// A ``TransformFactory`` from a closure.
public struct TransformBody<Input: Sendable, Output: Sendable>: TransformFactory {
    public let stageCount: Int
    @usableFromInline let make: @Sendable (OperatorEnvironment) -> AnyOperator<Input, Output>

    @inlinable
    public init(stageCount: Int, make: @escaping @Sendable (OperatorEnvironment) -> AnyOperator<Input, Output>) {
        self.stageCount = stageCount
        self.make = make
    }

    /// A body whose operators do not depend on their environment.
    @inlinable
    public init(stageCount: Int, make: @escaping @Sendable () -> AnyOperator<Input, Output>) {
        self.init(stageCount: stageCount) { (_: OperatorEnvironment) in make() }
    }

    /// A body that runs `operator`'s type, making a fresh copy of `prototype` per instance.
    @inlinable
    public init<Operator: OneInputOperator & Sendable>(prototype: Operator) where Operator.Input == Input, Operator.Output == Output {
        self.init(stageCount: Operator.stageCount) { AnyOperator(prototype) }
    }

    public func makeOperator(_ environment: OperatorEnvironment) -> AnyOperator<Input, Output> { make(environment) }
}

/// A ``SinkFactory`` from a closure.
public struct SinkBody<Input: Sendable>: SinkFactory {
    @usableFromInline let make: @Sendable (OperatorEnvironment) -> AnyOperator<Input, Never>

    @inlinable
    public init(make: @escaping @Sendable (OperatorEnvironment) -> AnyOperator<Input, Never>) {
        self.make = make
    }

    /// A body whose writers do not depend on their environment.
    @inlinable
    public init(make: @escaping @Sendable () -> AnyOperator<Input, Never>) {
        self.init { (_: OperatorEnvironment) in make() }
    }

    public func makeWriter(_ environment: OperatorEnvironment) -> AnyOperator<Input, Never> { make(environment) }
}

/// A ``PartitionerFactory`` from a key selector.
public struct KeyPartitioner<Element: Sendable>: PartitionerFactory {
    public let keyTypeName: String
    @usableFromInline let partitioner: BatchPartitioner<Element>

    /// A partitioner by `key`; `name`, if given, labels the exchange in `explain()`.
    @inlinable
    public init<Key: StableHashable>(key: @escaping @Sendable (Element) throws -> Key, name: String? = nil) {
        keyTypeName = name.map { "\($0): \(Key.self)" } ?? String(describing: Key.self)
        partitioner = BatchPartitioner(key: key)
    }

    public func makePartitioner() -> BatchPartitioner<Element> { partitioner }
}

/// A ``PartitionerFactory`` from a function that picks each record's receiving instance.
public struct CustomPartitioner<Element: Sendable>: PartitionerFactory {
    public let keyTypeName: String
    @usableFromInline let partitioner: BatchPartitioner<Element>

    /// A partitioner that sends each record to `partition(record, instanceCount)`; `name`
    /// labels the exchange in `explain()`.
    @inlinable
    public init(name: String, partition: @escaping @Sendable (Element, Int) throws -> Int) {
        keyTypeName = name
        partitioner = BatchPartitioner(custom: partition)
    }

    public func makePartitioner() -> BatchPartitioner<Element> { partitioner }
}

/// What a logical node does.
public enum NodeBody: Sendable {
    /// Produces records.
    case source(any SourceFactory)
    /// Transforms records.
    case transform(any TransformFactory)
    /// Consumes records.
    case sink(any SinkFactory)

    /// The type of the records the node consumes (`nil` for a source).
    public var inputType: Any.Type? {
        switch self {
        case .source: nil
        case .transform(let body): Self.inputType(of: body)
        case .sink(let body): Self.inputType(of: body)
        }
    }

    /// The type of the records the node produces (`nil` for a sink).
    public var outputType: Any.Type? {
        switch self {
        case .source(let body): Self.outputType(of: body)
        case .transform(let body): Self.outputType(of: body)
        case .sink: nil
        }
    }

    private static func inputType<T: TransformFactory>(of body: T) -> Any.Type { T.Input.self }
    private static func inputType<T: SinkFactory>(of body: T) -> Any.Type { T.Input.self }
    private static func outputType<T: SourceFactory>(of body: T) -> Any.Type { T.Output.self }
    private static func outputType<T: TransformFactory>(of body: T) -> Any.Type { T.Output.self }
}

/// A short, readable name for a type (module prefixes dropped).
public func flowTypeName(_ type: Any.Type) -> String {
    String(describing: type)
}
