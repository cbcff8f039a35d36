import Foundation
import Testing

/// What the result-builder DSL must reject at compile time, checked with the real compiler:
/// each snippet is type-checked against the Flow modules this test run was built with.
@Suite("DSL typing: what must not compile")
struct DSLTypingTests {
    /// The folder holding the built `.swiftmodule`s (beside the test bundle).
    static var modules: URL? {
        builtProduct("Modules", levels: 4) { FileManager.default.fileExists(atPath: $0.appendingPathComponent("Flow.swiftmodule").path) }
    }

    /// Type-checks `body` (with `import Flow`) and returns the compiler's exit status and output.
    static func typecheck(_ body: String) async throws -> (status: Int32, output: String) {
        let modules = try #require(modules, "cannot find the built Flow.swiftmodule next to \(CommandLine.arguments[0])")
        return try await onThreadOfItsOwn { try typecheckBlocking(body, modules: modules) }
    }

    private static func typecheckBlocking(_ body: String, modules: URL) throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-typing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("snippet.swift")
        try ("import Flow\n" + body).write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swiftc", "-typecheck", "-swift-version", "6", "-I", modules.path, file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("Control: a well-typed job type-checks (so the failures below are real)")
    func control() async throws {
        let result = try await Self.typecheck(
            """
            func make() throws -> Job {
                try Job("ok") {
                    Source([1, 2, 3])
                    Map { (x: Int) in "\\(x)" }
                    KeyBy { (s: String) in s }
                    Aggregate(.count)
                    Sink(.print())
                }
            }
            """)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test(
        "Rejected at compile time; the common mistakes say what to do",
        arguments: [
            (
                "a stage whose input type differs from the previous output",
                #"Source([1, 2]); Map { (s: String) in s.count }; Sink(.discard)"#, nil
            ),
            (
                "Reduce without KeyBy",
                #"Source([1, 2]); Reduce { (a: Int, b: Int) in a + b }; Sink(.discard)"#, "put a KeyBy"
            ),
            (
                "Reduce after a map, without KeyBy",
                #"Source([1, 2]); Map { (x: Int) in x }; Reduce { (a: Int, b: Int) in a + b }; Sink(.discard)"#, "put a KeyBy"
            ),
            (
                "Aggregate without KeyBy",
                #"Source([1, 2]); Aggregate(.count); Sink(.discard)"#, "put a KeyBy"
            ),
            (
                "Aggregate.sum without KeyBy",
                #"Source([1, 2]); Aggregate.sum { (x: Int) in x }; Sink(.discard)"#, "put a KeyBy"
            ),
            (
                "Aggregate(.sum { … }), which Swift cannot compile",
                #"Source([1, 2]); KeyBy { (x: Int) in x % 2 }; Aggregate(.sum { (x: Int) in x }); Sink(.discard)"#, "write Aggregate.sum"
            ),
            (
                "a pipeline without a Sink",
                #"Source([1, 2]); Map { (x: Int) in x }"#, "a job ends with a Sink"
            ),
            (
                "a pipeline that does not start with a Source",
                #"Map { (x: Int) in x }; Sink(.discard)"#, nil
            ),
            (
                "a closure without its parameter type",
                #"Source(["a", "bc"]); Map { $0.count }; Sink(.discard)"#, nil
            ),
            (
                "a collect sink of the wrong type",
                #"Source([1, 2]); Sink(.collect(into: CollectedRecords<String>()))"#, nil
            ),
        ] as [(String, String, String?)])
    func rejected(_ case_: (what: String, stages: String, message: String?)) async throws {
        let result = try await Self.typecheck(
            """
            func make() throws -> Job {
                try Job("bad") { \(case_.stages) }
            }
            """)
        #expect(result.status != 0, "\(case_.what) compiled, but must not")
        #expect(result.output.contains("error:"), "\(case_.what): \(result.output)")
        if let message = case_.message {
            #expect(result.output.contains(message), "\(case_.what): the error should say '\(message)': \(result.output)")
        }
    }

}
