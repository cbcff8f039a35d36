import FlowCore
import FlowGraph

/// Passes records through unchanged.
struct PassThrough<Element: Sendable>: OneInputOperator, Sendable {
    typealias Input = Element
    typealias Output = Element
    mutating func process(_ input: inout Batch<Element>, into output: inout Batch<Element>) throws {
        output.append(contentsOf: input)
        input.removeAll()
    }
}

/// Describes each integer.
struct Describe: OneInputOperator, Sendable {
    typealias Input = Int
    typealias Output = String
    mutating func process(_ input: inout Batch<Int>, into output: inout Batch<String>) throws {
        for index in 0..<input.count { output.append("\(input[index].record)", at: input[index].timestamp) }
        input.removeAll()
    }
}

/// Produces nothing.
struct EmptyReader<Output: Sendable>: SourceReader {
    mutating func read(into batch: inout Batch<Output>, maxCount: Int) async throws -> SourceStatus { .finished }
}

/// Drops everything.
struct NullWriter<Input: Sendable>: SinkWriter {
    mutating func write(_ batch: inout Batch<Input>) async throws { batch.removeAll() }
}

func sourceBody<Output: Sendable>(_: Output.Type) -> SourceBody<Output> {
    SourceBody(isParallel: true) { AnyOperator(reader: EmptyReader<Output>()) }
}

func sinkBody<Input: Sendable>(_: Input.Type) -> SinkBody<Input> {
    SinkBody { AnyOperator(writer: NullWriter<Input>()) }
}

func passThroughBody<Element: Sendable>(_: Element.Type) -> TransformBody<Element, Element> {
    TransformBody(prototype: PassThrough<Element>())
}
