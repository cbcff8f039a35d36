package import FlowCore

/// The elements one bridge has no credit for yet, oldest first: a ring that grows by doubling and
/// never shrinks, so queueing and sending in steady state allocate nothing.
///
/// An element leaves by being moved out (``popFirst()``), so a batch on its way to the bridge
/// holds no second reference that would make the receiver's in-place writes copy it.
///
/// ## Concurrency
/// Confined to the task instance that owns its router.
package final class ElementQueue<Element> {
    private var storage: UnsafeMutablePointer<StreamElement<Element>>
    private var capacity: Int
    private var head = 0
    /// Number of queued elements.
    package private(set) var count = 0

    /// An empty queue with room for `capacity` elements before it grows.
    package init(capacity: Int = 4) {
        self.capacity = Swift.max(1, capacity)
        storage = .allocate(capacity: self.capacity)
    }

    deinit {
        for offset in 0..<count { (storage + (head + offset) % capacity).deinitialize(count: 1) }
        storage.deallocate()
    }

    /// Whether nothing is queued.
    package var isEmpty: Bool { count == 0 }

    /// Queues `element` last.
    ///
    /// - Complexity: O(1), amortized over the doublings.
    package func append(_ element: consuming StreamElement<Element>) {
        if count == capacity { grow() }
        (storage + (head + count) % capacity).initialize(to: consume element)
        count += 1
    }

    /// Moves the oldest element out. Precondition: not empty.
    ///
    /// - Complexity: O(1).
    package func popFirst() -> StreamElement<Element> {
        precondition(count > 0, "ElementQueue: popFirst on an empty queue")
        let element = (storage + head).move()
        head = (head + 1) % capacity
        count -= 1
        if count == 0 { head = 0 }
        return element
    }

    private func grow() {
        let larger = UnsafeMutablePointer<StreamElement<Element>>.allocate(capacity: capacity * 2)
        for offset in 0..<count { (larger + offset).moveInitialize(from: storage + (head + offset) % capacity, count: 1) }
        storage.deallocate()
        storage = larger
        capacity *= 2
        head = 0
    }
}
