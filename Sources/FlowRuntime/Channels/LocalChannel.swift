public import FlowCore

/// An in-process channel for tasks run by the same thread (the sync backend).
///
/// ## Concurrency
/// Not thread-safe: both ends are driven by the one scheduler thread of the sync backend.
public final class LocalChannel<Element>: ChannelSender, ChannelReceiver {
    private var credit: CreditStateMachine  // protected by the scheduler thread (confinement)
    private var queue: [StreamElement<Element>] = []
    private var free: [Batch<Element>] = []
    /// Elements ever sent (for tests and metrics).
    public private(set) var elementsSent = 0
    /// Times a sender found no credit: every `false` answer of ``hasCredit`` counts one.
    public private(set) var creditWaits = 0

    /// A channel of `slots` slots.
    public init(slots: Int) {
        credit = CreditStateMachine(slots: slots)
        queue.reserveCapacity(slots)
    }

    public var hasCredit: Bool {
        if credit.hasCredit { return true }
        creditWaits += 1
        return false
    }

    public func send(_ element: StreamElement<Element>) {
        switch credit.sendRequested() {
        case .send:
            queue.append(element)
            elementsSent += 1
        case .waitForCredit:
            preconditionFailure("LocalChannel: send without credit (\(credit.inFlight) in flight of \(credit.slots))")
        }
    }

    public func reusableBatch() -> Batch<Element>? { free.popLast() }

    public func receive() -> StreamElement<Element>? {
        guard !queue.isEmpty else { return nil }
        let element = queue.removeFirst()
        credit.elementConsumed()
        return element
    }

    public func recycle(_ batch: Batch<Element>) {
        guard batch.capacity > 0, free.count < credit.slots else { return }
        var batch = batch
        if !batch.isEmpty { batch.removeAll(keepingCapacity: true) }
        free.append(batch)
    }

    /// Elements waiting to be received.
    public var depth: Int { queue.count }
}
