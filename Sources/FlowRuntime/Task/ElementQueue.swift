package import FlowCore

/// The elements one bridge has no credit for yet, oldest first, each with its size in bytes: a
/// ring that grows by doubling and never shrinks, so queueing and sending in steady state
/// allocate nothing.
///
/// An element leaves by being moved out (``popFirst()``), so a batch on its way to the bridge
/// holds no second reference that would make the receiver's in-place writes copy it.
///
/// ## Concurrency
/// Confined to the task instance that owns its router.
package final class ElementQueue<Element> {
    private var storage: UnsafeMutablePointer<StreamElement<Element>>
    /// The bytes of each element, as counted against the channel's byte budget (0 for control elements).
    private var sizes: UnsafeMutablePointer<Int>
    private var capacity: Int
    private var head = 0
    /// Number of queued elements.
    package private(set) var count = 0

    /// An empty queue with room for `capacity` elements before it grows.
    package init(capacity: Int = 4) {
        self.capacity = Swift.max(1, capacity)
        storage = .allocate(capacity: self.capacity)
        sizes = .allocate(capacity: self.capacity)
    }

    deinit {
        for offset in 0..<count { (storage + (head + offset) % capacity).deinitialize(count: 1) }
        storage.deallocate()
        sizes.deallocate()
    }

    /// Whether nothing is queued.
    package var isEmpty: Bool { count == 0 }

    /// Queues `element`, of `bytes` bytes, last.
    ///
    /// - Complexity: O(1), amortized over the doublings.
    package func append(_ element: consuming StreamElement<Element>, bytes: Int = 0) {
        if count == capacity { grow() }
        let slot = (head + count) % capacity
        (storage + slot).initialize(to: consume element)
        sizes[slot] = bytes
        count += 1
    }

    /// The bytes of the oldest element. Precondition: not empty.
    package var firstBytes: Int {
        precondition(count > 0, "ElementQueue: firstBytes on an empty queue")
        return sizes[head]
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
        let largerSizes = UnsafeMutablePointer<Int>.allocate(capacity: capacity * 2)
        for offset in 0..<count {
            (larger + offset).moveInitialize(from: storage + (head + offset) % capacity, count: 1)
            largerSizes[offset] = sizes[(head + offset) % capacity]
        }
        storage.deallocate()
        sizes.deallocate()
        storage = larger
        sizes = largerSizes
        capacity *= 2
        head = 0
    }
}
