#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A thread of its own that runs the jobs of the Swift tasks that prefer it: the dispatch
/// backend's home for one task instance.
///
/// A task started with this executor as its preference runs its nonisolated async code here, so
/// a task instance keeps one thread, and parking it (``TaskSignal/wait(until:)``) blocks only
/// that thread. ``shutdown()`` ends the thread after the jobs already enqueued and joins it.
///
/// ## Concurrency
/// `enqueue` from any thread; the queue is protected by `mutex`.
package final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `queue` and `stopping` are protected by `mutex`; the pthread objects are used
    // only through pthread calls.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var queue: [UnownedJob] = []  // protected by mutex
    private var stopping = false  // protected by mutex
    private var thread: pthread_t?
    let name: String

    package init(name: String) {
        self.name = name
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        queue.reserveCapacity(4)
        let box = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(
            &handle, nil,
            { argument in
                let executor = Unmanaged<ThreadExecutor>.fromOpaque(argument!).takeRetainedValue()
                executor.runLoop()
                return nil
            }, box)
        precondition(status == 0, "ThreadExecutor '\(name)': pthread_create failed with \(status)")
        thread = handle
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pthread_mutex_lock(mutex)
        queue.append(job)
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Ends the thread once its queue is empty and waits for it.
    package func shutdown() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
    }

    private func runLoop() {
        while true {
            pthread_mutex_lock(mutex)
            while queue.isEmpty && !stopping { pthread_cond_wait(condition, mutex) }
            if queue.isEmpty {
                pthread_mutex_unlock(mutex)
                return
            }
            let job = queue.removeFirst()
            pthread_mutex_unlock(mutex)
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
