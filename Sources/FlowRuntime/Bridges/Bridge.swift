package import FlowGraph
public import FlowCore

/// The sending end of a bridge: the edge between two task instances.
///
/// Tasks see bridges only through this protocol and ``BridgeReceiver``, so a bridge can be a
/// lock-free ring between threads (``RingBridge``) or, later, a TCP connection, without changing
/// tasks. Every implementation keeps the credit protocol of ``CreditStateMachine``
/// (Specs/CreditProtocol.md) and the wake-up contract: it notifies the receiving task's
/// ``TaskSignal`` after an element becomes receivable, and the sending task's signal after a
/// credit returns to a sender whose last ``BridgeSender/hasCredit`` answered `false` (a sender
/// that has not run out of credit need not be woken).
public protocol BridgeSender<Element>: AnyObject {
    /// The type of the records carried.
    associatedtype Element
    /// Whether a credit is available (``send(_:)`` will accept an element). A `false` answer
    /// after a `true` one counts one credit wait, and promises a notify of the sending task's
    /// signal when a credit returns.
    var hasCredit: Bool { get }
    /// Sends one element of `bytes` bytes (as its sender counts it against the channel's byte
    /// budget; 0 for a control element), spending a credit. Precondition: ``hasCredit``. The
    /// element is consumed, so the sender keeps no reference to a batch it sent (a batch that
    /// several output edges share, as a broadcast's, stays shared).
    ///
    /// - Complexity: O(1).
    func send(_ element: consuming StreamElement<Element>, bytes: Int)
    /// An emptied batch the receiver returned for reuse, if any (so steady state allocates nothing).
    func reusableBatch() -> Batch<Element>?
}

/// The receiving end of a bridge.
public protocol BridgeReceiver<Element>: AnyObject {
    /// The type of the records carried.
    associatedtype Element
    /// The next element, if one has arrived. Receiving consumes it and returns its credit.
    ///
    /// - Complexity: O(1).
    func receive() -> StreamElement<Element>?
    /// Hands an emptied batch back to the sender for reuse. The batch is consumed, so the
    /// receiver keeps no reference to storage the sender may already be writing to.
    func recycle(_ batch: consuming Batch<Element>)
}

/// What a bridge reports to the job's metrics, readable from any thread.
public protocol BridgeGauges: AnyObject, Sendable {
    /// The bridge's slots: the credits its receiver grants.
    var slots: Int { get }
    /// Elements sent and not yet received now.
    var depth: Int { get }
    /// The largest depth a sender has seen.
    var maxDepth: Int { get }
    /// Elements (batches and control elements) sent so far.
    var elementsSent: Int { get }
    /// Records sent so far.
    var recordsSent: Int { get }
    /// Times the sender ran out of credit.
    var creditWaits: Int { get }
    /// Bytes of records sent so far, as the sender counted them.
    var bytesSent: Int { get }
    /// Bytes of records sent and not yet received now.
    var bytesInFlight: Int { get }
    /// The most bytes in flight a sender has seen: at most the bridge's slots times the byte
    /// limit of one batch, or times the largest record where a record is larger than that limit
    /// (such a record travels alone).
    var maxBytesInFlight: Int { get }
}

extension BridgeSender {
    /// Sends one element without counting its bytes (a control element, or a caller that keeps
    /// no byte budget). See ``send(_:bytes:)``.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    public func send(_ element: consuming StreamElement<Element>) {
        send(consume element, bytes: 0)
    }
}

/// Makes the bridges of a plan's edges, one per pair of sending and receiving instances an edge
/// joins: the one place a task learns what carries its records. A run uses
/// ``LocalBridgeFactory`` (in-process rings); a network bridge between processes (a TCP link whose
/// receiver announces credit, as Specs/CreditProtocol.md describes) is another factory, without a
/// change to the tasks, which see only ``BridgeSender`` and ``BridgeReceiver``.
package protocol BridgeFactory: Sendable {
    /// The bridge from instance `sender` of `edge`'s sending task to instance `receiver` of its
    /// receiving task, carrying `Element` records with `slots` credits; `senderSignal` and
    /// `receiverSignal` are the instances' signals it notifies.
    func makeBridge<Element>(
        _ type: Element.Type, edge: PhysicalEdge, sender: Int, receiver: Int, slots: Int,
        senderSignal: TaskSignal, receiverSignal: TaskSignal
    ) -> any BridgeSender<Element> & BridgeReceiver<Element> & BridgeGauges
}

/// The bridges of a run in one process: lock-free rings (``RingBridge``).
package struct LocalBridgeFactory: BridgeFactory {
    package init() {}

    package func makeBridge<Element>(
        _ type: Element.Type, edge: PhysicalEdge, sender: Int, receiver: Int, slots: Int,
        senderSignal: TaskSignal, receiverSignal: TaskSignal
    ) -> any BridgeSender<Element> & BridgeReceiver<Element> & BridgeGauges {
        RingBridge<Element>(slots: slots, sender: senderSignal, receiver: receiverSignal)
    }
}
