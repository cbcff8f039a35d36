public import FlowCore

/// The watermark valve of the input gate (as Flink's `StatusWatermarkValve`).
///
/// The gate's watermark is the minimum over the channels that *count*: open, active, and caught
/// up with the watermark the gate forwarded. It never goes back:
/// - a channel marked idle stops counting; when every open channel is idle the gate forwards the
///   highest watermark among them (if it is ahead) and then ``WatermarkStatus/idle``;
/// - a channel that becomes active again counts once its watermark reaches the forwarded one (a
///   channel behind it would not move the minimum forward, only hold it); if no other channel
///   counts, its watermark is the minimum and goes on at once when ahead; the first channel to
///   become active after the gate went idle makes it forward ``WatermarkStatus/active``;
/// - a watermark that arrives on an idle channel is dropped (its producer sends
///   ``WatermarkStatus/active`` first);
/// - an ended channel stops counting.
///
/// Nothing here allocates: the per-channel state is an array sized when the gate is made.
extension InputGateStateMachine {
    /// What the shell must do after a watermark or a watermark status arrived.
    public enum WatermarkAction: Hashable, Sendable {
        /// Nothing changes downstream.
        case none
        /// Forward this watermark: the minimum over the counting channels moved forward.
        case forwardWatermark(Watermark)
        /// Forward this status: every open channel became idle, or one became active again.
        case forwardStatus(WatermarkStatus)
        /// Forward this watermark (the highest among the open channels), then
        /// ``WatermarkStatus/idle``: every open channel became idle.
        case forwardWatermarkThenIdle(Watermark)
    }

    /// One channel's part of the valve.
    struct ValveChannel: Hashable, Sendable {
        /// The highest watermark the channel delivered while active.
        var watermark = Watermark(.unassigned)
        /// Whether the channel's last status was ``WatermarkStatus/idle``.
        var isIdle = false
        /// Whether the channel's watermark holds the minimum: open, active, and at or past the
        /// forwarded watermark.
        var counts = true
    }

    /// The highest watermark the channel at `index` delivered while active.
    public func watermark(of index: Int) -> Watermark { valveChannels[index].watermark }

    /// Whether the channel at `index` is marked idle.
    public func isIdle(_ index: Int) -> Bool { valveChannels[index].isIdle }

    /// Watermark `watermark` arrived on the channel at `index`.
    ///
    /// - Complexity: O(channels) when the channel's watermark moves forward, else O(1); no allocation.
    public mutating func watermarkReceived(_ watermark: Watermark, on index: Int) -> WatermarkAction {
        _ = readChannelState(index, event: "watermarkReceived(\(watermark))")
        guard !valveChannels[index].isIdle, watermark > valveChannels[index].watermark else { return .none }
        valveChannels[index].watermark = watermark
        if !valveChannels[index].counts {
            guard watermark >= forwardedWatermark else { return .none }
            valveChannels[index].counts = true
        }
        return advanceToMinimum()
    }

    /// The channel at `index` reported watermark status `status`.
    ///
    /// - Complexity: O(channels); no allocation.
    public mutating func watermarkStatusReceived(_ status: WatermarkStatus, on index: Int) -> WatermarkAction {
        _ = readChannelState(index, event: "watermarkStatusReceived(\(status))")
        switch status {
        case .idle:
            guard !valveChannels[index].isIdle else { return .none }
            valveChannels[index].isIdle = true
            let counted = valveChannels[index].counts
            valveChannels[index].counts = false
            if allOpenChannelsIdle() { return becomeIdle() }
            return counted ? advanceToMinimum() : .none
        case .active:
            guard valveChannels[index].isIdle else { return .none }
            valveChannels[index].isIdle = false
            // A channel behind the forwarded watermark joins the counting channels only when it
            // catches up.
            let counts = valveChannels[index].watermark >= forwardedWatermark
            valveChannels[index].counts = counts
            if isIdle {
                // The gate forwarded the highest open watermark when it went idle, and dropped
                // every watermark since: this channel is not ahead, nothing moves.
                isIdle = false
                return .forwardStatus(.active)
            }
            // Joining does not raise the minimum of other counting channels, but when none
            // counts (they ended, went idle or are behind) this channel's watermark is the
            // minimum, and it may be ahead: forward it now, before what follows on the channel.
            return counts ? advanceToMinimum() : .none
        }
    }

    /// The valve's part of end of input on the channel at `index` (already marked ended).
    mutating func valveChannelEnded(_ index: Int) -> WatermarkAction {
        let counted = valveChannels[index].counts
        valveChannels[index].counts = false
        if isIdle { return .none }
        if allOpenChannelsIdle() { return becomeIdle() }
        return counted ? advanceToMinimum() : .none
    }

    /// Forwards the minimum over the counting channels if it is ahead of the forwarded watermark.
    private mutating func advanceToMinimum() -> WatermarkAction {
        var minimum = Watermark(.maximum)
        var any = false
        for index in valveChannels.indices where valveChannels[index].counts {
            any = true
            if valveChannels[index].watermark < minimum { minimum = valveChannels[index].watermark }
        }
        guard any, minimum > forwardedWatermark else { return .none }
        forwardedWatermark = minimum
        return .forwardWatermark(minimum)
    }

    /// Whether every open channel is idle (some channel is open).
    private func allOpenChannelsIdle() -> Bool {
        for index in valveChannels.indices where channelStates[index] != .ended && !valveChannels[index].isIdle {
            return false
        }
        return true
    }

    /// Every open channel became idle: forward the highest of their watermarks if it is ahead,
    /// then idle.
    private mutating func becomeIdle() -> WatermarkAction {
        isIdle = true
        var maximum = Watermark(.unassigned)
        for index in valveChannels.indices where channelStates[index] != .ended && valveChannels[index].watermark > maximum {
            maximum = valveChannels[index].watermark
        }
        guard maximum > forwardedWatermark else { return .forwardStatus(.idle) }
        forwardedWatermark = maximum
        return .forwardWatermarkThenIdle(maximum)
    }
}
