public import FlowCore
import FlowGraph
import Synchronization

/// A bridge between two task instances that may run on different threads: a lock-free
/// single-producer single-consumer ring of `slots` elements.
///
/// The ring is the credit protocol (``CreditStateMachine``) in two counters: the sender writes
/// `sent`, the receiver writes `received`, and the sender holds `slots - (sent - received)`
/// credits. Sending writes the slot, then publishes `sent` (release) and notifies the receiver's
/// ``TaskSignal``; receiving reads `sent` (acquire), moves the element out, publishes `received`
/// — which returns the credit — and notifies the sender's signal if the sender announced that it
/// waits for credit (a sender that has credit is not woken once per batch). Each side caches
/// the other's counter and reloads it only when the cache says "full" or "empty". Emptied
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
/// sender's waiting flag are atomics; `senderSent`, `cachedReceived`, `reusedCount`, `cachedFreed` and `waitingForCredit`
/// and `senderBytes` are touched only by the sending task, `receiverReceived`, `cachedSent`,
/// `freedCount` and `receiverBytes` only by the receiving task; a slot (and its entry in
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
    private var senderSent = 0
    private var cachedReceived = 0
    private var reusedCount = 0
    private var cachedFreed = 0
    private var waitingForCredit = false
    private var senderBytes = 0
    // Receiving task only.
    private var receiverReceived = 0
    private var cachedSent = 0
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
        precondition(range.contains(slots),
                     "RingBridge: slots must be in \(range.lowerBound)...\(range.upperBound) (ExecutionConfiguration.channelCreditsRange), got \(slots)")
        self.slots = slots
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
        if senderSent - cachedReceived < slots { return true }
        cachedReceived = received.load(ordering: .acquiring)
        if senderSent - cachedReceived < slots { return true }
        // Announce the wait, then look again. The receiver publishes `received` before it takes
        // the flag, all four accesses sequentially consistent: either this load sees its credit,
        // or the receiver sees the flag and notifies. A flag left set costs one spurious notify.
        senderWaiting.store(true, ordering: .sequentiallyConsistent)
        cachedReceived = received.load(ordering: .sequentiallyConsistent)
        if senderSent - cachedReceived < slots { return true }
        if !waitingForCredit {
            waitingForCredit = true
            creditWaitCount.add(1, ordering: .relaxed)
        }
        return false
    }

    public func send(_ element: consuming StreamElement<Element>, bytes: Int) {
        if senderSent - cachedReceived >= slots {
            cachedReceived = received.load(ordering: .acquiring)
            precondition(senderSent - cachedReceived < slots, "RingBridge: send without credit (\(senderSent - cachedReceived) in flight of \(slots))")
        }
        if case .batch(let batch) = element { recordCount.add(batch.count, ordering: .relaxed) }
        let slot = senderSent % slots
        (ring + slot).initialize(to: consume element)
        slotBytes[slot] = bytes
        senderSent += 1
        sent.store(senderSent, ordering: .releasing)
        waitingForCredit = false
        let depth = senderSent - cachedReceived
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
        if receiverReceived == cachedSent {
            cachedSent = sent.load(ordering: .acquiring)
            if receiverReceived == cachedSent { return nil }
        }
        let slot = receiverReceived % slots
        let element = (ring + slot).move()
        let bytes = slotBytes[slot]
        if bytes > 0 {
            receiverBytes &+= bytes
            bytesReceivedCount.store(receiverBytes, ordering: .relaxed)
        }
        receiverReceived += 1
        received.store(receiverReceived, ordering: .sequentiallyConsistent)
        // Wake the sender only if it announced that it waits for credit (see `hasCredit`).
        if senderWaiting.load(ordering: .sequentiallyConsistent),
           senderWaiting.exchange(false, ordering: .sequentiallyConsistent) {
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
