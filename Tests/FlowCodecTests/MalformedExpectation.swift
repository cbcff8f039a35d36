import FlowCodec
import FlowCore
import Testing

/// Runs `body`, requires it to throw a `FlowError(.malformedData, …)` whose message contains
/// every one of `fragments`, and returns the error.
@discardableResult
func expectMalformed(
    _ fragments: String...,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> FlowError? {
    let error = #expect(throws: FlowError.self, sourceLocation: sourceLocation) { try body() }
    guard let error else { return nil }
    #expect(error.code == .malformedData, "code of \(error)", sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(error.message.contains(fragment), "'\(fragment)' not in: \(error.message)", sourceLocation: sourceLocation)
    }
    return error
}
