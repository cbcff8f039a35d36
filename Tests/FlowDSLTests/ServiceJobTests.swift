import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The ServiceJob example as a real child process: SIGTERM stops its job with drain, and the
/// process exits cleanly having written every record its source made.
@Suite struct ServiceJobTests {
    /// The built example, beside the test bundle.
    static var executable: URL? { builtExecutable("ServiceJob") }

    /// Lines a child process printed, gathered as they come.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""  // protected by lock

        func append(_ data: Data) { lock.withLock { text += String(decoding: data, as: UTF8.self) } }
        var all: String { lock.withLock { text } }
    }

    @Test("SIGTERM drains the job: the process exits 0 and its sink wrote every record the source made")
    func sigtermDrains() async throws {
        let executable = try #require(Self.executable, "cannot find the ServiceJob example next to \(CommandLine.arguments[0])")
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--max-seconds", "60"]  // it ends by itself if this test dies
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let lines = Lines()
        let logs = Lines()
        output.fileHandleForReading.readabilityHandler = { lines.append($0.availableData) }
        errors.fileHandleForReading.readabilityHandler = { logs.append($0.availableData) }
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let deadline = ContinuousClock.now + .seconds(30)
        while !lines.all.contains("running"), ContinuousClock.now < deadline, process.isRunning {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(lines.all.contains("running"), "the example did not start: \(lines.all) \(logs.all)")
        // Let records flow, then ask the process to terminate.
        try await Task.sleep(for: .milliseconds(400))
        kill(process.processIdentifier, SIGTERM)
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!process.isRunning, "the process did not exit after SIGTERM")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "exit \(process.terminationStatus): \(logs.all)")
        try await Task.sleep(for: .milliseconds(50))  // the last output
        let text = lines.all
        let drained = try #require(text.split(separator: "\n").first { $0.hasPrefix("drained:") }, "no summary line in \(text)")
        let numbers = drained.split(separator: " ").compactMap { Int($0) }
        #expect(numbers.count == 2 && numbers[0] > 0 && numbers[0] == numbers[1], "\(drained)")
        #expect(logs.all.contains("graceful shutdown: stopping the job with drain"), "\(logs.all)")
        #expect(logs.all.contains("job finished"), "\(logs.all)")
    }
}
