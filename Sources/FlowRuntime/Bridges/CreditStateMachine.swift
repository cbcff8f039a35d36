/// The credit protocol of one channel, as a pure value: no locks, clocks or I/O.
///
/// The receiver grants one credit per free slot; the sender spends one credit per element
/// (batch or control element) it sends; a credit returns when the receiver has consumed the
/// element. So at most `slots` elements are ever in flight, and a sender without credit waits.
/// Every backend's channel runs this machine in its own shell (the sync backend calls it
/// directly; a threaded or networked channel wraps it in a lock or an event loop).
///
/// ```
///          sendRequested (credit > 0)
///   credits ─────────────────────────► inFlight
///      ▲                                  │
///      └──────── elementConsumed ─────────┘
/// ```
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
    /// Credits the sender holds.
    public private(set) var credits: Int
    /// Elements sent and not yet consumed.
    public private(set) var inFlight: Int

    /// A channel of `slots` slots, all credits granted to the sender.
    public init(slots: Int) {
        precondition(slots >= 1, "CreditStateMachine: slots must be at least 1, got \(slots)")
        self.slots = slots
        credits = slots
        inFlight = 0
    }

    /// The sender wants to send one element.
    public mutating func sendRequested() -> SendAction {
        guard credits > 0 else { return .waitForCredit }
        credits -= 1
        inFlight += 1
        checkInvariants()
        return .send
    }

    /// The receiver consumed one element: its credit returns to the sender.
    public mutating func elementConsumed() {
        precondition(inFlight > 0, "CreditStateMachine(credits: \(credits), inFlight: \(inFlight)): elementConsumed with nothing in flight")
        inFlight -= 1
        credits += 1
        checkInvariants()
    }

    /// Whether the sender may send now.
    public var hasCredit: Bool { credits > 0 }

    private func checkInvariants() {
        assert(credits >= 0 && inFlight >= 0 && credits + inFlight == slots, "CreditStateMachine: credits \(credits) + inFlight \(inFlight) != slots \(slots)")
    }
}
