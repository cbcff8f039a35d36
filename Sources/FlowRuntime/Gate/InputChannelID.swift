/// Identifies one input channel of a task instance: the edge it belongs to and the instance that
/// sends on it.
///
/// A task instance reads one channel per (input edge, sending subtask) pair; a two-input task's
/// channels of input 0 carry its first stream, those of input 1 its second.
public struct InputChannelID: Hashable, Sendable, CustomStringConvertible {
    /// The position of the channel's edge among the edges into the task, in plan order.
    public var input: Int
    /// The subtask of the task instance that sends on the channel.
    public var sender: Int

    public init(input: Int, sender: Int) {
        self.input = input
        self.sender = sender
    }

    public var description: String { "input \(input) from #\(sender)" }
}
