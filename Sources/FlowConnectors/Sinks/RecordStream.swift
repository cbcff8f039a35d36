import FlowCore
import Synchronization

/// The records of a job, for a host app to iterate, with backpressure: what
/// ``AsyncStreamSink/makeStream(capacity:)`` returns.
///
/// ```
///   job's sink writer ──write──► [ buffer ≤ capacity ] ──next()──► app
///          ▲ suspends while full (the job slows down)
/// ```
///
/// The buffer holds at most `capacity` records. A write that finds it full suspends until the
/// app takes records, so a slow app slows the job (and, through the credits, its sources) instead
/// of letting memory grow. Iteration ends after the last record when the job ends, fails or is
/// cancelled; cancelling the task that iterates ends it too, and the job's later records are then
/// dropped. One task iterates a stream (as with `AsyncStream`).
///
/// ## Concurrency
/// `Sendable`: the sink's writers (one per parallel instance) and the iterating task share the
/// buffer behind one lock; continuations are resumed after the lock is released.
public struct RecordStream<Element: Sendable>: AsyncSequence, Sendable {
    public typealias Failure = Never
    let storage: _RecordStreamStorage<Element>

    init(storage: _RecordStreamStorage<Element>) { self.storage = storage }

    public func makeAsyncIterator() -> Iterator { Iterator(storage: storage) }

    /// Takes the records of a ``RecordStream`` in order.
    public struct Iterator: AsyncIteratorProtocol {
        public typealias Failure = Never
        let storage: _RecordStreamStorage<Element>

        /// The next record, waiting for the job if none is buffered; `nil` once the job ended and
        /// every record was taken, or the iterating task was cancelled.
        ///
        /// - Complexity: O(1).
        public mutating func next() async -> Element? { await storage.next() }

        public mutating func next(isolation actor: isolated (any Actor)?) async -> Element? { await storage.next() }
    }

    /// Records buffered now (for tests and gauges).
    public var bufferedCount: Int { storage.bufferedCount }

    /// The most records the buffer holds.
    public var capacity: Int { storage.capacity }
}

/// The buffer of a ``RecordStream``. Not API.
///
/// ## Concurrency
/// Every field of `State` is protected by `state`'s lock; writers and the consumer are resumed
/// after it is released.
final class _RecordStreamStorage<Element: Sendable>: Sendable {
    struct State {
        /// A ring of `capacity` places; `head` is the oldest record, `count` how many are buffered.
        var ring: [Element?]
        var head = 0
        var count = 0
        /// The consumer, waiting for a record (only while `count == 0`).
        var consumer: CheckedContinuation<Element?, Never>?
        /// Writers waiting for room.
        var writers: [CheckedContinuation<Void, Never>] = []
        /// The job ended: no more records come.
        var finished = false
        /// The consumer stopped (its task was cancelled): records are dropped.
        var consumerGone = false
    }

    let capacity: Int
    private let state: FlowMutex<State>  // protected by its own lock

    init(capacity: Int) {
        precondition(capacity >= 1, "RecordStream: capacity must be at least 1, got \(capacity)")
        self.capacity = capacity
        state = FlowMutex(State(ring: Array(repeating: nil, count: capacity)))
    }

    var bufferedCount: Int { state.withLock { $0.count } }

    /// What a writer does next.
    private enum Step {
        case handed(CheckedContinuation<Element?, Never>, Element)
        case wait
        case done
    }

    /// Buffers every record of `records`, in order, suspending while the buffer is full. Returns
    /// early (dropping the rest) if the consumer stopped or the writing task is cancelled.
    ///
    /// - Complexity: O(records.count), one lock per run of records that fit.
    func send(_ records: BatchColumn<Element>) async {
        var index = records.startIndex
        while index < records.endIndex {
            let step = state.withLock { state -> Step in
                if state.consumerGone || state.finished {
                    index = records.endIndex
                    return .done
                }
                if let consumer = state.consumer {
                    state.consumer = nil
                    let record = records[index]
                    index += 1
                    return .handed(consumer, record)
                }
                while state.count < capacity && index < records.endIndex {
                    state.ring[(state.head + state.count) % capacity] = records[index]
                    state.count += 1
                    index += 1
                }
                return index < records.endIndex ? .wait : .done
            }
            switch step {
            case .handed(let consumer, let record): consumer.resume(returning: record)
            case .done: return
            case .wait:
                if Task.isCancelled { return }
                await waitForRoom()
            }
        }
    }

    /// Whether `records.count` records fit at once (without suspending); buffers them if so.
    func sendImmediately(_ records: BatchColumn<Element>) -> Bool {
        var handed: (CheckedContinuation<Element?, Never>, Element)?
        let done = state.withLock { state -> Bool in
            if state.consumerGone || state.finished { return true }
            var index = records.startIndex
            if let consumer = state.consumer, index < records.endIndex {
                guard records.count - 1 <= capacity else { return false }
                state.consumer = nil
                handed = (consumer, records[index])
                index += 1
            } else if state.count + records.count > capacity {
                return false
            }
            while index < records.endIndex {
                state.ring[(state.head + state.count) % capacity] = records[index]
                state.count += 1
                index += 1
            }
            return true
        }
        if let (consumer, record) = handed { consumer.resume(returning: record) }
        return done
    }

    private func waitForRoom() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.count < capacity || state.consumerGone || state.finished { return true }
                    state.writers.append(continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            // Wake every waiting writer: each re-checks, and a cancelled one returns.
            let writers = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                defer { state.writers.removeAll() }
                return state.writers
            }
            for writer in writers { writer.resume() }
        }
    }

    /// The consumer's next record (see ``RecordStream/Iterator/next()``).
    func next() async -> Element? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
                let (record, writers, resumeNow) = state.withLock { state -> (Element?, [CheckedContinuation<Void, Never>], Bool) in
                    if state.count > 0 {
                        let record = state.ring[state.head].take()
                        state.head = (state.head + 1) % capacity
                        state.count -= 1
                        defer { state.writers.removeAll() }
                        return (record, state.writers, true)
                    }
                    if state.finished || state.consumerGone { return (nil, [], true) }
                    state.consumer = continuation
                    return (nil, [], false)
                }
                for writer in writers { writer.resume() }
                if resumeNow { continuation.resume(returning: record) }
            }
        } onCancel: {
            release { $0.consumerGone = true }
        }
    }

    /// The job ended: the consumer gets what is buffered, then `nil`.
    func finish() {
        release { $0.finished = true }
    }

    /// Applies `change` (the end of the job or of the consumer) and, after unlocking, ends a
    /// waiting consumer's wait with `nil` and wakes every waiting writer.
    private func release(_ change: (inout State) -> Void) {
        let (consumer, writers) = state.withLock { state -> (CheckedContinuation<Element?, Never>?, [CheckedContinuation<Void, Never>]) in
            change(&state)
            defer {
                state.consumer = nil
                state.writers.removeAll()
            }
            return (state.consumer, state.writers)
        }
        consumer?.resume(returning: nil)
        for writer in writers { writer.resume() }
    }
}
