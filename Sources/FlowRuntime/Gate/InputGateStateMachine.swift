public import FlowCore

/// The input gate of a task instance, as a pure value: no locks, clocks, I/O or continuations.
///
/// A task instance reads several channels (one per input edge and sending subtask, see
/// ``InputChannelID``). The gate decides, from what arrived on each channel:
/// - which channel to read next: round robin over the readable ones (``isReadable(_:)``); a
///   channel blocked by barrier alignment or ended is not read;
/// - the task's watermark (the *valve*, `InputGateStateMachine+Watermark.swift`): the minimum
///   over the active channels, never going back; idle channels do not hold it back;
/// - checkpoint barriers, aligned (``BarrierMode/exactlyOnce``) or counted
///   (``BarrierMode/atLeastOnce``), and cancelled checkpoints;
/// - when the input has ended: when every channel has.
///
/// ```
///            barrierReceived n (more channels to come; exactly-once: block the channel)
///   noCheckpointPending ───────────────────────────────► aligning(n)
///        ▲   ▲                                              │  │
///        │   └── last channel delivered n or ended ─────────┘  │ barrier m > n:
///        │       (forward n, release every channel)            │ cancel n, aligning(m)
///        └────── cancelCheckpoint(≥ n) (forward it once, release every channel)
/// ```
///
/// Each event is named for what happened on a channel and returns what the shell must do.
/// A channel is given by its index in ``channels``. Specs/InputGate.md describes the gate;
/// Specs/InputGate.pml models its alignment. `InputHead` is its shell.
///
/// ## Concurrency
/// A value with no shared state: its owner (the task instance's `InputHead`) is the only one to
/// touch it.
public struct InputGateStateMachine: Sendable {
    /// How barriers are handled; chosen when the gate is made.
    public enum BarrierMode: Hashable, Sendable {
        /// Aligned barriers: a channel that delivered barrier *n* is not read until every channel
        /// has delivered it (or ended); then *n* is forwarded once.
        case exactlyOnce
        /// Counted barriers (as Flink's `CheckpointBarrierTracker`): no channel is blocked;
        /// barrier *n* is forwarded once every channel has delivered it (or ended).
        case atLeastOnce
    }

    /// The state of one channel, for reading.
    public enum ChannelState: UInt8, Hashable, Sendable {
        /// The state while the channel is read and has not delivered the pending barrier.
        case reading
        /// The state while the channel has delivered the pending barrier and is still read
        /// (at-least-once mode).
        case delivered
        /// The state while the channel has delivered the pending barrier and is not read until
        /// the alignment ends (exactly-once mode).
        case blocked
        /// The state after the channel delivered end of input: it is never read again.
        case ended
    }

    /// The state of the checkpoint barriers.
    public enum BarrierState: Hashable, Sendable {
        /// The state while no checkpoint is pending. `latest` is the highest checkpoint id
        /// forwarded, cancelled or overtaken so far (`Int64.min` before the first): barriers and
        /// cancellations of checkpoints up to it are stale.
        case noCheckpointPending(latest: Int64)
        /// The state while barrier `barrier` has arrived on some channels and `missing` more
        /// channels must deliver it (or end) before it is forwarded.
        case aligning(CheckpointBarrier, missing: Int)
    }

    /// What the shell must do after a barrier arrived.
    public enum BarrierAction: Hashable, Sendable {
        /// Drop the barrier: its checkpoint was forwarded, cancelled or overtaken already.
        case ignore
        /// Stop reading the channel until the alignment ends (exactly-once mode); nothing to
        /// forward yet.
        case blockChannel
        /// Keep reading the channel; the barrier is counted (at-least-once mode), nothing to
        /// forward yet.
        case keepReading
        /// Forward the barrier: every channel delivered it or ended. Every channel is read again.
        case forwardBarrier(CheckpointBarrier)
        /// Forward the cancellation of checkpoint `id`, which this newer barrier overtook; stop
        /// reading the channel, which is aligning the newer checkpoint (exactly-once mode).
        case forwardCancelAndBlockChannel(Int64)
        /// Forward the cancellation of checkpoint `id`, which this newer barrier overtook; keep
        /// reading the channel (at-least-once mode).
        case forwardCancel(Int64)
        /// Forward the cancellation of checkpoint `id`, which this newer barrier overtook, then
        /// the newer barrier, which every other channel has ended without (at-least-once mode).
        case forwardCancelThenBarrier(Int64, CheckpointBarrier)
    }

    /// What the shell must do after a cancel-checkpoint element arrived.
    public enum CancelAction: Hashable, Sendable {
        /// Drop it: this checkpoint was forwarded or cancelled already, or an older one.
        case ignore
        /// Forward the cancellation of checkpoint `id` (once per checkpoint); any channel blocked
        /// for it is read again.
        case forwardCancel(Int64)
    }

    /// What the shell must do after a channel delivered end of input.
    public enum EndOfInputAction: Hashable, Sendable {
        /// Other channels remain: perform the watermark action (the ended channel no longer
        /// holds the watermark back).
        case updateWatermark(WatermarkAction)
        /// The ended channel was the last one the pending barrier waited for: forward the
        /// barrier, then perform the watermark action.
        case forwardBarrier(CheckpointBarrier, then: WatermarkAction)
        /// Every channel has ended: finish the task's body.
        case finish
        /// Every channel has ended, the last one completing the pending barrier (at-least-once
        /// mode): forward the barrier, then finish the task's body.
        case forwardBarrierThenFinish(CheckpointBarrier)
    }

    /// The channels, in the order the shell reads them.
    public let channels: [InputChannelID]
    /// How barriers are handled.
    public let barrierMode: BarrierMode
    /// Each channel's state, by index into ``channels``. Sized once.
    public private(set) var channelStates: [ChannelState]
    /// The barrier state.
    public private(set) var barrierState: BarrierState = .noCheckpointPending(latest: .min)
    /// The channel to try first in the next round of reads.
    public private(set) var nextChannel = 0
    /// Channels that have not ended.
    public private(set) var openChannels: Int
    /// Each channel's watermark state, by index into ``channels``. Sized once.
    var valveChannels: [ValveChannel]
    /// The highest watermark forwarded, `Watermark(.unassigned)` before the first.
    public internal(set) var forwardedWatermark = Watermark(.unassigned)
    /// Whether the gate forwarded ``WatermarkStatus/idle`` last (every open channel is idle).
    public internal(set) var isIdle = false

    /// A gate over `channels`, every one open, active and not yet blocked.
    public init(channels: [InputChannelID], barrierMode: BarrierMode) {
        precondition(!channels.isEmpty, "InputGateStateMachine: a gate needs at least one channel")
        self.channels = channels
        self.barrierMode = barrierMode
        channelStates = Array(repeating: .reading, count: channels.count)
        valveChannels = Array(repeating: ValveChannel(), count: channels.count)
        openChannels = channels.count
    }

    /// The index of `channel` in ``channels``, if the gate has it.
    ///
    /// - Complexity: O(channels).
    public func index(of channel: InputChannelID) -> Int? {
        channels.firstIndex(of: channel)
    }

    // MARK: Reading

    /// Whether the channel at `index` may be read: it is neither blocked by an alignment nor ended.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    public func isReadable(_ index: Int) -> Bool {
        channelStates[index].rawValue < ChannelState.blocked.rawValue
    }

    /// An element (batch or control element) was taken from the channel at `index`: the next
    /// round of reads starts after it.
    ///
    /// - Complexity: O(1).
    @inline(__always)
    public mutating func elementReceived(on index: Int) {
        let next = index + 1
        nextChannel = next == channels.count ? 0 : next
    }

    /// The first readable channel in round-robin order from ``nextChannel``, if any.
    ///
    /// - Complexity: O(channels).
    public func channelToRead() -> Int? {
        var index = nextChannel
        for _ in 0..<channels.count {
            if isReadable(index) { return index }
            index = index + 1 == channels.count ? 0 : index + 1
        }
        return nil
    }

    /// Whether every channel has ended.
    public var hasEnded: Bool { openChannels == 0 }

    // MARK: Barriers

    /// Barrier `barrier` arrived on the channel at `index`.
    ///
    /// - Complexity: O(channels) when an alignment ends or is overtaken, else O(1).
    public mutating func barrierReceived(_ barrier: CheckpointBarrier, on index: Int) -> BarrierAction {
        let state = readChannelState(index, event: "barrierReceived(\(barrier))")
        switch barrierState {
        case .noCheckpointPending(let latest):
            guard barrier.checkpointID > latest else { return .ignore }
            return startAlignment(barrier, on: index)
        case .aligning(let pending, let missing):
            if barrier.checkpointID < pending.checkpointID { return .ignore }
            if barrier.checkpointID == pending.checkpointID {
                guard state == .reading else {
                    preconditionFailure("InputGateStateMachine: barrierReceived(\(barrier)) again on \(channels[index]) in state \(state), \(barrierState)")
                }
                channelStates[index] = deliveredState
                if missing == 1 { return .forwardBarrier(endAlignment(latest: pending.checkpointID)) }
                barrierState = .aligning(pending, missing: missing - 1)
                return barrierMode == .exactlyOnce ? .blockChannel : .keepReading
            }
            // A newer checkpoint overtakes the pending one: cancel it, align the newer one.
            _ = endAlignment(latest: pending.checkpointID)
            switch startAlignment(barrier, on: index) {
            case .forwardBarrier(let newer): return .forwardCancelThenBarrier(pending.checkpointID, newer)
            case .blockChannel: return .forwardCancelAndBlockChannel(pending.checkpointID)
            case .keepReading: return .forwardCancel(pending.checkpointID)
            case let other: preconditionFailure("InputGateStateMachine: starting an alignment returned \(other)")
            }
        }
    }

    /// A cancel-checkpoint element for checkpoint `id` arrived on the channel at `index`.
    ///
    /// - Complexity: O(channels) when it cancels the pending alignment, else O(1).
    public mutating func cancelReceived(_ id: Int64, on index: Int) -> CancelAction {
        _ = readChannelState(index, event: "cancelReceived(\(id))")
        switch barrierState {
        case .noCheckpointPending(let latest):
            guard id > latest else { return .ignore }
            barrierState = .noCheckpointPending(latest: id)
            return .forwardCancel(id)
        case .aligning(let pending, _):
            guard id >= pending.checkpointID else { return .ignore }
            _ = endAlignment(latest: id)
            return .forwardCancel(id)
        }
    }

    /// The channel at `index` delivered end of input: it is never read again.
    ///
    /// - Complexity: O(channels).
    public mutating func endOfInputReceived(on index: Int) -> EndOfInputAction {
        let state = readChannelState(index, event: "endOfInputReceived")
        channelStates[index] = .ended
        openChannels -= 1
        var completed: CheckpointBarrier?
        if case .aligning(let pending, let missing) = barrierState, state == .reading {
            // The ended channel counts as aligned.
            if missing == 1 {
                completed = endAlignment(latest: pending.checkpointID)
            } else {
                barrierState = .aligning(pending, missing: missing - 1)
            }
        }
        if openChannels == 0 {
            if let completed { return .forwardBarrierThenFinish(completed) }
            return .finish
        }
        let watermark = valveChannelEnded(index)
        if let completed { return .forwardBarrier(completed, then: watermark) }
        return .updateWatermark(watermark)
    }

    /// The state of the channel at `index`, from which `event` was just read: nothing can be read
    /// from a blocked or ended channel.
    func readChannelState(_ index: Int, event: @autoclosure () -> String) -> ChannelState {
        let state = channelStates[index]
        guard isReadable(index) else {
            preconditionFailure("InputGateStateMachine: \(event()) on \(channels[index]) in state \(state), \(barrierState)")
        }
        return state
    }

    /// What a channel that delivers the pending barrier becomes in this mode.
    private var deliveredState: ChannelState { barrierMode == .exactlyOnce ? .blocked : .delivered }

    /// Starts aligning `barrier`, which arrived on `index`, with no checkpoint pending.
    private mutating func startAlignment(_ barrier: CheckpointBarrier, on index: Int) -> BarrierAction {
        let missing = openChannels - 1
        if missing == 0 {
            barrierState = .noCheckpointPending(latest: barrier.checkpointID)
            return .forwardBarrier(barrier)
        }
        channelStates[index] = deliveredState
        barrierState = .aligning(barrier, missing: missing)
        return barrierMode == .exactlyOnce ? .blockChannel : .keepReading
    }

    /// Ends the pending alignment (completed or cancelled): every open channel is read again, and
    /// checkpoints up to `latest` are stale. Returns the barrier that was pending.
    private mutating func endAlignment(latest: Int64) -> CheckpointBarrier {
        guard case .aligning(let pending, _) = barrierState else {
            preconditionFailure("InputGateStateMachine: ending an alignment in state \(barrierState)")
        }
        for index in channelStates.indices where channelStates[index] != .ended {
            channelStates[index] = .reading
        }
        barrierState = .noCheckpointPending(latest: latest)
        return pending
    }
}
