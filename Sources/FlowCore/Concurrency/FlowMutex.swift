// The lock Flow's modules guard shared state with: the standard library's `Mutex`, or, in a
// ThreadSanitizer build (`-Xswiftc -DFLOW_THREAD_SANITIZER`, as scripts/test-tsan builds), a
// pthread mutex. On Linux `Mutex` waits with futex system calls, which ThreadSanitizer does not
// see, so it reports every access the mutex protects as a race; it does see pthread mutexes.
#if FLOW_THREAD_SANITIZER
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `Mutex` for a ThreadSanitizer build: the same `withLock`, over a pthread mutex.
///
/// ## Concurrency
/// `Sendable`: every access to the value is inside `withLock`, under the mutex.
package final class FlowMutex<Value>: @unchecked Sendable {
    private var value: Value  // protected by mutex
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    package init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value, holding the mutex.
    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
#else
package import Synchronization

/// The lock Flow's modules guard shared state with (see the top of this file).
package typealias FlowMutex<Value> = Mutex<Value>
#endif
