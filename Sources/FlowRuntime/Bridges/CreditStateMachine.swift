/// The credit protocol of one channel, as a pure value: no locks, clocks or I/O.
///
/// The receiver grants one credit per free slot; the sender spends one credit per element
/// (batch or control element) it sends; a credit returns when the receiver has consumed the
/// element. So at most `slots` elements are ever in flight, and a sender without credit waits.
///
/// The machine holds the protocol as two counters that only grow, `sent` and `received`:
/// `inFlight = sent - received`, `credits = slots - inFlight`. One machine that sees both events
/// is the whole channel (the tests, and any shell that serializes both sides). A ``RingBridge``
/// runs one machine on each side, each that side's **view** of the channel: the sender's view
/// counts its own sends exactly and learns `received` when it loads the receiver's counter
/// (``creditsReturned(received:)``); the receiver's view counts its own consumes and learns
/// `sent` from the sender's counter (``elementsArrived(sent:)``). A view can only lag the truth,
/// so the sender never sees more credits than it has, nor the receiver more elements.
///
/// ```
///          sendRequested (credits > 0)
///   credits ─────────────────────────► inFlight
///      ▲                                  │
///      └──────── elementConsumed ─────────┘
/// ```
///
/// ## Concurrency
/// A value; whoever holds it owns it. In a ``RingBridge`` the sender's view is touched by the
/// sending task only and the receiver's view by the receiving task only.
public struct CreditStateMachine: Sendable, Hashable {
    /// What the sender must do after asking to send.
    public enum SendAction: Sendable, Hashable {
        /// Indicates that a credit was spent: send the element now.
        case send
        /// Indicates that no credit is left: keep the element and wait for a credit.
        case waitForCredit
    }

    /// The number of slots, fixed for the channel's life.
    public let slots: Int
    /// Elements sent (the sender's counter; in the receiver's view, as last seen).
    public private(set) var sent: Int
    /// Elements consumed, each of which returned its credit (the receiver's counter; in the
    /// sender's view, as last seen).
    public private(set) var received: Int

    /// A channel of `slots` slots, all credits granted to the sender.
    public init(slots: Int) {
        precondition(slots >= 1, "CreditStateMachine: slots must be at least 1, got \(slots)")
        self.slots = slots
        sent = 0
        received = 0
    }

    /// Elements sent and not yet consumed.
    @inline(__always)
    public var inFlight: Int { sent &- received }

    /// Credits the sender holds.
    @inline(__always)
    public var credits: Int { slots &- inFlight }

    /// Whether the sender may send now.
    @inline(__always)
    public var hasCredit: Bool { inFlight < slots }

    /// Whether an element is there to consume.
    @inline(__always)
    public var hasElement: Bool { received != sent }

    /// The sender wants to send one element: with a credit it is spent (`sent` counts the
    /// element); without, nothing changes.
    ///
    /// - Complexity: O(1): a compare and an add.
    @inline(__always)
    public mutating func sendRequested() -> SendAction {
        guard hasCredit else { return .waitForCredit }
        sent &+= 1
        checkInvariants()
        return .send
    }

    /// The receiver consumed one element: its credit returns to the sender.
    ///
    /// - Precondition: an element is in flight (``hasElement``).
    /// - Complexity: O(1).
    @inline(__always)
    public mutating func elementConsumed() {
        precondition(hasElement, "CreditStateMachine(sent: \(sent), received: \(received)): elementConsumed with nothing in flight")
        received &+= 1
        checkInvariants()
    }

    /// The sender's view learns the receiver's counter: `received` credits have returned.
    ///
    /// - Precondition: `received` is at least what the view knew and at most `sent` (a counter
    ///   only grows, and the receiver cannot consume what was not sent).
    /// - Complexity: O(1).
    @inline(__always)
    public mutating func creditsReturned(received: Int) {
        precondition(
            received >= self.received && received <= sent,
            "CreditStateMachine(sent: \(sent), received: \(self.received)): creditsReturned(received: \(received)) out of range")
        self.received = received
    }

    /// The receiver's view learns the sender's counter: `sent` elements have been published.
    ///
    /// - Precondition: `sent` is at least what the view knew and at most `received + slots` (a
    ///   counter only grows, and the sender cannot send without credit).
    /// - Complexity: O(1).
    @inline(__always)
    public mutating func elementsArrived(sent: Int) {
        precondition(
            sent >= self.sent && sent &- received <= slots,
            "CreditStateMachine(sent: \(self.sent), received: \(received)): elementsArrived(sent: \(sent)) out of range")
        self.sent = sent
    }

    @inline(__always)
    private func checkInvariants() {
        assert(
            received >= 0 && received <= sent && sent - received <= slots,
            "CreditStateMachine: sent \(sent), received \(received), slots \(slots): credits + inFlight != slots or negative")
    }
}
