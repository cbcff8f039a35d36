public import FlowCore
import FlowGraph
import Synchronization

/// A bridge between two task instances that may run on different threads: a lock-free
/// single-producer single-consumer ring of `slots` elements.
///
/// The ring runs the credit protocol (``CreditStateMachine``) on both sides: the sender writes
/// `sent`, the receiver writes `received`, and the sender holds `slots - (sent - received)`
/// credits. Each side keeps its own ``CreditStateMachine``, its view of the channel: its own
/// counter exact, the other's as last loaded, which it reloads only when the view says "no
/// credit" or "no element". Sending asks the sender's view (`sendRequested()`), writes the slot,
/// then publishes `sent` (release) and notifies the receiver's ``TaskSignal``; receiving asks the
/// receiver's view, loading `sent` (acquire, `elementsArrived(sent:)`) when it is empty, moves
/// the element out (`elementConsumed()`), publishes `received` — which returns the credit — and
/// notifies the sender's signal if the sender announced that it waits for credit (a sender that
/// has credit is not woken once per batch). Emptied
/// batches travel back on a second ring of ``freeSlots`` (`2 × slots + 2`) batches, so steady
/// state allocates nothing: besides the `slots` in flight, one batch is being filled and one
/// read, and the rest absorbs the batches a sender allocated when it asked before the receiver
/// had recycled (which a ring of only `slots` would drop, to be allocated again).
///
/// ```
///   sender ──► [ e0 | e1 | e2 | __ ] ──► receiver        (slots = 4, 3 in flight, 1 credit)
///          ◄── [ b  | __ | __ | __ ] ◄──                 emptied batches for reuse
/// ```
///
/// The same class serves every backend pair (sync, dispatch, actor): only the signals differ.
///
/// ## Concurrency
/// One sending task and one receiving task. `sent`/`received` (and `freed`/`reused`) and the
/// sender's waiting flag are atomics; `senderView`, `reusedCount`, `cachedFreed`, `waitingForCredit`
/// and `senderBytes` are touched only by the sending task, `receiverView`, `freedCount` and
/// `receiverBytes` only by the receiving task; a slot (and its entry in
/// `slotBytes`) is written only while it belongs to one side, which the release/acquire pairs on
/// the counters hand over. The byte gauges are single-writer atomics read with relaxed ordering.
public final class RingBridge<Element>: BridgeSender, BridgeReceiver, BridgeGauges, @unchecked Sendable {
    public let slots: Int
    /// How many emptied batches the bridge keeps for reuse: `2 × slots + 2`.
    public let freeSlots: Int
    private let ring: UnsafeMutablePointer<StreamElement<Element>>
    /// The bytes of the element in each slot: written by the sender before it publishes `sent`,
    /// read by the receiver after it loads `sent`, so the pair hands each entry over as it does the slot.
    private let slotBytes: UnsafeMutablePointer<Int>
    private let sent = Atomic<Int>(0)
    private let received = Atomic<Int>(0)
    private let freeRing: UnsafeMutablePointer<Batch<Element>>
    private let freed = Atomic<Int>(0)
    private let reused = Atomic<Int>(0)
    /// The sender found no credit and waits for some: set by the sender, taken by the receiver.
    private let senderWaiting = Atomic<Bool>(false)
    private let senderSignal: TaskSignal
    private let receiverSignal: TaskSignal

    // Sending task only.
    /// The sender's view of the credit protocol: `sent` exact, `received` as last loaded.
    private var senderView: CreditStateMachine
    private var reusedCount = 0
    private var cachedFreed = 0
    private var waitingForCredit = false
    private var senderBytes = 0
    // Receiving task only.
    /// The receiver's view of the credit protocol: `received` exact, `sent` as last loaded.
    private var receiverView: CreditStateMachine
    private var freedCount = 0
    private var receiverBytes = 0

    // Gauges.
    private let recordCount = Atomic<Int>(0)
    private let creditWaitCount = Atomic<Int>(0)
    private let maxDepthSeen = Atomic<Int>(0)
    /// Written by the sender only (after each send) and the receiver only (before it returns the
    /// credit), so plain stores; read by gauges from any thread.
    private let bytesSentCount = Atomic<Int>(0)
    private let bytesReceivedCount = Atomic<Int>(0)
    private let maxBytesSeen = Atomic<Int>(0)

    /// A bridge of `slots` slots between the task that owns `sender` and the one that owns `receiver`.
    ///
    /// - Precondition: `slots` is in ``ExecutionConfiguration/channelCreditsRange`` (1...4096),
    ///   the range the planner accepts for `channelCredits`.
    public init(slots: Int, sender: TaskSignal, receiver: TaskSignal) {
        let range = ExecutionConfiguration.channelCreditsRange
        precondition(
            range.contains(slots),
            "RingBridge: slots must be in \(range.lowerBound)...\(range.upperBound) (ExecutionConfiguration.channelCreditsRange), got \(slots)")
        self.slots = slots
        senderView = CreditStateMachine(slots: slots)
        receiverView = CreditStateMachine(slots: slots)
        freeSlots = 2 * slots + 2
        ring = .allocate(capacity: slots)
        slotBytes = .allocate(capacity: slots)
        freeRing = .allocate(capacity: freeSlots)
        senderSignal = sender
        receiverSignal = receiver
    }

    deinit {
        let sentNow = sent.load(ordering: .acquiring)
        var index = received.load(ordering: .acquiring)
        while index < sentNow {
            (ring + index % slots).deinitialize(count: 1)
            index += 1
        }
        let freedNow = freed.load(ordering: .acquiring)
        index = reused.load(ordering: .acquiring)
        while index < freedNow {
            (freeRing + index % freeSlots).deinitialize(count: 1)
            index += 1
        }
        ring.deallocate()
        slotBytes.deallocate()
        freeRing.deallocate()
    }

    // MARK: Sender

    public var hasCredit: Bool {
        if senderView.hasCredit { return true }
        senderView.creditsReturned(received: received.load(ordering: .acquiring))
        if senderView.hasCredit { return true }
        // Announce the wait, then look again. The receiver publishes `received` before it takes
        // the flag, all four accesses sequentially consistent: either this load sees its credit,
        // or the receiver sees the flag and notifies. A flag left set costs one spurious notify.
        senderWaiting.store(true, ordering: .sequentiallyConsistent)
        senderView.creditsReturned(received: received.load(ordering: .sequentiallyConsistent))
        if senderView.hasCredit { return true }
        if !waitingForCredit {
            waitingForCredit = true
            creditWaitCount.add(1, ordering: .relaxed)
        }
        return false
    }

    public func send(_ element: consuming StreamElement<Element>, bytes: Int) {
        let slot = senderView.sent % slots
        if senderView.sendRequested() == .waitForCredit {
            senderView.creditsReturned(received: received.load(ordering: .acquiring))
            let action = senderView.sendRequested()
            precondition(action == .send, "RingBridge: send without credit (\(senderView.inFlight) in flight of \(slots))")
        }
        if case .batch(let batch) = element { recordCount.add(batch.count, ordering: .relaxed) }
        (ring + slot).initialize(to: consume element)
        slotBytes[slot] = bytes
        sent.store(senderView.sent, ordering: .releasing)
        waitingForCredit = false
        let depth = senderView.inFlight
        if depth > maxDepthSeen.load(ordering: .relaxed) { maxDepthSeen.store(depth, ordering: .relaxed) }
        if bytes > 0 {
            senderBytes &+= bytes
            bytesSentCount.store(senderBytes, ordering: .relaxed)
            // The receiver stores its count before it returns a credit: what it has received is at
            // least what the last credit check saw, so this is at most `slots` elements' bytes.
            let inFlight = senderBytes &- bytesReceivedCount.load(ordering: .relaxed)
            if inFlight > maxBytesSeen.load(ordering: .relaxed) { maxBytesSeen.store(inFlight, ordering: .relaxed) }
        }
        receiverSignal.notify()
    }

    public func reusableBatch() -> Batch<Element>? {
        if reusedCount == cachedFreed {
            cachedFreed = freed.load(ordering: .acquiring)
            if reusedCount == cachedFreed { return nil }
        }
        let batch = (freeRing + reusedCount % freeSlots).move()
        reusedCount += 1
        reused.store(reusedCount, ordering: .releasing)
        return batch
    }

    // MARK: Receiver

    public func receive() -> StreamElement<Element>? {
        if !receiverView.hasElement {
            receiverView.elementsArrived(sent: sent.load(ordering: .acquiring))
            if !receiverView.hasElement { return nil }
        }
        let slot = receiverView.received % slots
        let element = (ring + slot).move()
        let bytes = slotBytes[slot]
        if bytes > 0 {
            receiverBytes &+= bytes
            bytesReceivedCount.store(receiverBytes, ordering: .relaxed)
        }
        receiverView.elementConsumed()
        received.store(receiverView.received, ordering: .sequentiallyConsistent)
        // Wake the sender only if it announced that it waits for credit (see `hasCredit`).
        if senderWaiting.load(ordering: .sequentiallyConsistent),
            senderWaiting.exchange(false, ordering: .sequentiallyConsistent)
        {
            senderSignal.notify()
        }
        return element
    }

    public func recycle(_ batch: consuming Batch<Element>) {
        guard batch.capacity > 0, freedCount - reused.load(ordering: .acquiring) < freeSlots else { return }
        if !batch.isEmpty { batch.removeAll(keepingCapacity: true) }
        (freeRing + freedCount % freeSlots).initialize(to: consume batch)
        freedCount += 1
        freed.store(freedCount, ordering: .releasing)
    }

    // MARK: Gauges

    public var depth: Int { Swift.max(0, sent.load(ordering: .acquiring) - received.load(ordering: .acquiring)) }
    public var maxDepth: Int { maxDepthSeen.load(ordering: .relaxed) }
    public var elementsSent: Int { sent.load(ordering: .relaxed) }
    public var recordsSent: Int { recordCount.load(ordering: .relaxed) }
    public var creditWaits: Int { creditWaitCount.load(ordering: .relaxed) }
    public var bytesSent: Int { bytesSentCount.load(ordering: .relaxed) }
    public var bytesInFlight: Int { Swift.max(0, bytesSentCount.load(ordering: .relaxed) - bytesReceivedCount.load(ordering: .relaxed)) }
    public var maxBytesInFlight: Int { maxBytesSeen.load(ordering: .relaxed) }
}
