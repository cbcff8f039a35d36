import FlowCore
import Synchronization

/// Iterates an `AsyncSequence` on a task of its own into a bounded buffer, for
/// ``AsyncSequenceReader``: the reader takes what is buffered without suspending, so a source
/// whose sequence has nothing to give never holds its task. Not API.
///
/// ```
///   sequence ──next()──► pump task ──push──► [ buffer ≤ capacity ] ──take──► reader (task's loop)
///                           ▲ suspends while full          │ wakes the task when the reader found it empty
/// ```
///
/// The pump suspends when the buffer holds `capacity` elements (backpressure: the sequence is not
/// asked for more until the reader took some) and resumes when a take makes room. When the
/// reader finds the buffer empty it says so, and the next push (or the sequence's end) calls the
/// source context's `wakeUp`, so the task reads at once rather than at its next idle poll.
///
/// ## Concurrency
/// The pump task pushes and the reader's task takes; both go through `state`, one lock. A
/// continuation or the wake-up is resumed or called after the lock is released.
@usableFromInline
final class _AsyncSequencePump<Element: Sendable>: Sendable {
    /// How the sequence ended.
    @usableFromInline
    enum Ending: Sendable {
        /// `next()` returned nil.
        case finished
        /// `next()` threw.
        case failed(any Error)
    }

    /// What a take found.
    @usableFromInline
    enum Take {
        /// Records were taken; `remaining` says whether more are buffered.
        case taken(remaining: Bool)
        /// Nothing is buffered yet; the task will be woken when something is.
        case empty
        /// The sequence ended and every element before the end was taken.
        case ended(Ending)
    }

    struct State {
        /// Elements pushed and not yet taken, in order.
        var buffer: [Element]
        /// Set once the sequence ended; reported after the buffer drained.
        var ending: Ending?
        /// The reader found the buffer empty and waits to be woken.
        var readerWaiting = false
        /// The pump, suspended while the buffer is full.
        var space: CheckedContinuation<Void, Never>?
        /// The pump task was cancelled: it must not suspend again.
        var cancelled = false
    }

    /// Elements the buffer holds at most.
    let capacity: Int
    private let state: FlowMutex<State>  // protected by its own lock
    private let wakeUp: @Sendable () -> Void

    init(capacity: Int, wakeUp: @escaping @Sendable () -> Void) {
        self.capacity = capacity
        var buffer: [Element] = []
        buffer.reserveCapacity(capacity)
        state = FlowMutex(State(buffer: buffer))
        self.wakeUp = wakeUp
    }

    /// The pump task's body: iterates `sequence` until it ends, throws or the task is cancelled.
    func run<Base: AsyncSequence & Sendable>(_ sequence: Base) async where Base.Element == Element {
        var iterator = sequence.makeAsyncIterator()
        do {
            while true {
                guard let element = try await iterator.next() else { break }
                if push(element) { await waitForSpace() }
                if Task.isCancelled { return }
            }
            end(.finished)
        } catch {
            end(.failed(error))
        }
    }

    /// Moves what is buffered, at most `maxCount` elements, into `taken` (empty on entry), in order.
    ///
    /// - Complexity: O(1) under the lock when everything buffered fits (the arrays are swapped),
    ///   O(buffered) otherwise.
    @usableFromInline
    func take(into taken: inout [Element], maxCount: Int) -> Take {
        let (result, space) = state.withLock { state -> (Take, CheckedContinuation<Void, Never>?) in
            if state.buffer.isEmpty {
                if let ending = state.ending { return (.ended(ending), nil) }
                state.readerWaiting = true
                return (.empty, nil)
            }
            if state.buffer.count <= maxCount {
                swap(&state.buffer, &taken)
            } else {
                taken.append(contentsOf: state.buffer[..<maxCount])
                state.buffer.removeFirst(maxCount)
            }
            let space = state.space
            state.space = nil
            return (.taken(remaining: !state.buffer.isEmpty || state.ending != nil), space)
        }
        space?.resume()
        return result
    }

    /// Appends one element; whether the buffer is now full.
    private func push(_ element: Element) -> Bool {
        let (full, wake) = state.withLock { state -> (Bool, Bool) in
            state.buffer.append(element)
            let wake = state.readerWaiting
            state.readerWaiting = false
            return (state.buffer.count >= capacity, wake)
        }
        if wake { wakeUp() }
        return full
    }

    /// Suspends until a take makes room, or the task is cancelled.
    private func waitForSpace() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.buffer.count < capacity || state.cancelled { return true }
                    state.space = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let space = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.cancelled = true
                defer { state.space = nil }
                return state.space
            }
            space?.resume()
        }
    }

    private func end(_ ending: Ending) {
        state.withLock { state in
            state.ending = ending
            state.readerWaiting = false
        }
        wakeUp()
    }
}
