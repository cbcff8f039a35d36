public import FlowCore

/// Something ``Sink`` accepts: a sink for one record type (``TypedSinkSpecification``) or one
/// that takes records of any type (``GenericSinkSpecification``: print, discard). Lets sinks be
/// written with a leading dot: `Sink(.print())`, `Sink(.collect(into: results))`.
public protocol SinkSpecification: Sendable {}

/// A sink for records of one type.
public protocol TypedSinkSpecification<Input>: SinkSpecification {
    /// The type of the records consumed.
    associatedtype Input: Sendable
    /// The stage kind shown by `explain()`.
    var kind: String { get }
    /// Makes one instance's writer.
    func makeWriter() -> AnyOperator<Input, Never>
}

/// A sink that accepts records of any type.
public protocol GenericSinkSpecification: SinkSpecification {
    /// The stage kind shown by `explain()`.
    var kind: String { get }
    /// Makes one instance's writer for records of type `Input`.
    func makeWriter<Input: Sendable>(for type: Input.Type) -> AnyOperator<Input, Never>
}

/// The last stage of a pipeline: where records go.
public struct Sink<Specification: SinkSpecification>: ConfigurableStage, Sendable {
    public var attributes: StageAttributes
    /// What the sink does.
    public let specification: Specification

    /// Creates a sink stage.
    public init(_ specification: Specification) {
        self.specification = specification
        let kind =
            (specification as? any TypedSinkSpecification)?.kind
            ?? (specification as? any GenericSinkSpecification)?.kind ?? "Sink"
        attributes = StageAttributes(kind: kind)
    }
}

/// A sink from any ``SinkWriter``: `Sink(WriterSink { MyWriter() })`.
public struct WriterSink<Writer: SinkWriter>: TypedSinkSpecification {
    public let kind: String
    let make: @Sendable () -> Writer

    public init(kind: String = "Sink", _ make: @escaping @Sendable () -> Writer) {
        self.kind = kind
        self.make = make
    }

    public func makeWriter() -> AnyOperator<Writer.Input, Never> { AnyOperator(writer: make()) }
}
