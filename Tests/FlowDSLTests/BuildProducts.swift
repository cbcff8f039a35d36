import Foundation

/// What the tests that run built products share: where the build put them, and a way to wait for
/// a child process without holding a thread of the cooperative pool.

/// The built item `name` (an executable, a folder) beside the test bundle, or up to
/// `levels` folders above it, if `isFound` says it is the one.
func builtProduct(_ name: String, levels: Int = 3, isFound: (URL) -> Bool) -> URL? {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<levels {
        let candidate = directory.appendingPathComponent(name)
        if isFound(candidate) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    return nil
}

/// The built executable `name` beside the test bundle, if it was built.
func builtExecutable(_ name: String) -> URL? {
    builtProduct(name) { FileManager.default.isExecutableFile(atPath: $0.path) }
}

/// Runs `body`, which blocks (waits for a child process), on a thread of its own: a test that
/// blocks a thread of the cooperative pool (two on this machine) stalls every other test's tasks
/// meanwhile, by seconds.
func onThreadOfItsOwn<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Swift.Result { try body() }) }.start()
    }
}
