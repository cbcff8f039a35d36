public import FlowCore

/// The sending end of a channel between two task instances.
///
/// Tasks see channels only through this protocol and ``ChannelReceiver``, so a channel can be
/// an in-process queue, a lock-free ring between threads or a TCP connection, without changing
/// tasks. Every implementation runs the ``CreditStateMachine``.
public protocol ChannelSender<Element>: AnyObject {
    /// The type of the records carried.
    associatedtype Element
    /// Whether a credit is available (``send(_:)`` will accept an element).
    var hasCredit: Bool { get }
    /// Sends one element, spending a credit. Precondition: ``hasCredit``.
    func send(_ element: StreamElement<Element>)
    /// An emptied batch the receiver returned for reuse, if any (so steady state allocates nothing).
    func reusableBatch() -> Batch<Element>?
}

/// The receiving end of a channel between two task instances.
public protocol ChannelReceiver<Element>: AnyObject {
    /// The type of the records carried.
    associatedtype Element
    /// The next element, if one has arrived. Receiving consumes it and returns its credit.
    func receive() -> StreamElement<Element>?
    /// Hands an emptied batch back to the sender for reuse.
    func recycle(_ batch: Batch<Element>)
}
