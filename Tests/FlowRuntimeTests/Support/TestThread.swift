#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A plain pthread, for tests that need a second real thread.
///
/// Await ``finished()`` from async tests rather than ``join()``: joining blocks a thread of
/// Swift's small cooperative pool, which other tests running in parallel need.
final class Thread: @unchecked Sendable {
    // @unchecked: `handle` is written once in init; `done` is an atomic.
    private var handle = pthread_t()
    private let body: () -> Void
    private let done = Atomic<Bool>(false)

    init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
        let box = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(
            &handle, nil,
            { argument in
                let thread = Unmanaged<Thread>.fromOpaque(argument!).takeRetainedValue()
                thread.body()
                thread.done.store(true, ordering: .releasing)
                return nil
            }, box)
        precondition(status == 0, "pthread_create failed: \(status)")
    }

    func join() { pthread_join(handle, nil) }

    /// Suspends until the thread's body returned, then joins it.
    func finished() async {
        while !done.load(ordering: .acquiring) { try? await Task.sleep(for: .milliseconds(1)) }
        join()
    }
}

/// Sleeps the calling thread (not a task) for `microseconds`.
func usleepMicroseconds(_ microseconds: UInt32) {
    usleep(microseconds)
}
