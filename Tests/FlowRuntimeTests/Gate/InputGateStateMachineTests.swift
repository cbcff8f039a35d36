import FlowCore
import FlowRuntime
import Testing

/// The watermark at `milliseconds`.
func wm(_ milliseconds: Int64) -> Watermark { Watermark(EventTime(milliseconds: milliseconds)) }

/// Barrier `id`.
func barrier(_ id: Int64) -> CheckpointBarrier { CheckpointBarrier(checkpointID: id, triggeredAt: 0) }

/// A gate over `count` channels of input 0, senders 0 ..< count.
func gate(_ count: Int, _ mode: InputGateStateMachine.BarrierMode = .exactlyOnce) -> InputGateStateMachine {
    InputGateStateMachine(channels: (0..<count).map { InputChannelID(input: 0, sender: $0) }, barrierMode: mode)
}

@Suite struct InputGateStateMachineTests {
    // MARK: Reading

    @Test("a new gate reads every channel, round robin from the first")
    func roundRobin() {
        var machine = gate(3)
        #expect(machine.channelToRead() == 0)
        machine.elementReceived(on: 0)
        #expect(machine.channelToRead() == 1)
        machine.elementReceived(on: 2)
        #expect(machine.nextChannel == 0)
        #expect((0..<3).allSatisfy(machine.isReadable))
    }

    @Test("channels keep their identity; index(of:) finds them")
    func identities() {
        let ids = [InputChannelID(input: 0, sender: 0), InputChannelID(input: 0, sender: 1), InputChannelID(input: 1, sender: 0)]
        let machine = InputGateStateMachine(channels: ids, barrierMode: .exactlyOnce)
        #expect(machine.channels == ids)
        #expect(machine.index(of: InputChannelID(input: 1, sender: 0)) == 2)
        #expect(machine.index(of: InputChannelID(input: 1, sender: 1)) == nil)
        #expect(InputChannelID(input: 1, sender: 3).description == "input 1 from #3")
    }

    @Test("an ended channel is not read; the gate ends with its last channel")
    func endOfInput() {
        var machine = gate(2)
        #expect(machine.endOfInputReceived(on: 0) == .updateWatermark(.none))
        #expect(!machine.isReadable(0))
        #expect(machine.channelToRead() == 1)
        #expect(!machine.hasEnded)
        #expect(machine.endOfInputReceived(on: 1) == .finish)
        #expect(machine.hasEnded)
        #expect(machine.channelToRead() == nil)
    }

    // MARK: Watermarks

    @Test("the watermark is the minimum over the channels and never goes back")
    func minimum() {
        var machine = gate(2)
        #expect(machine.watermarkReceived(wm(5), on: 0) == .none)
        #expect(machine.watermarkReceived(wm(3), on: 1) == .forwardWatermark(wm(3)))
        #expect(machine.watermarkReceived(wm(9), on: 1) == .forwardWatermark(wm(5)))
        #expect(machine.watermarkReceived(wm(4), on: 0) == .none, "a channel's watermark never goes back")
        #expect(machine.watermark(of: 0) == wm(5))
        #expect(machine.watermarkReceived(wm(7), on: 0) == .forwardWatermark(wm(7)))
        #expect(machine.forwardedWatermark == wm(7))
    }

    @Test("an ended channel stops holding the watermark back")
    func endedChannelReleasesWatermark() {
        var machine = gate(2)
        _ = machine.watermarkReceived(wm(8), on: 1)
        #expect(machine.endOfInputReceived(on: 0) == .updateWatermark(.forwardWatermark(wm(8))))
    }

    @Test("an idle channel stops holding the watermark back; idle goes downstream when every channel is idle")
    func idle() {
        var machine = gate(3)
        _ = machine.watermarkReceived(wm(10), on: 0)
        _ = machine.watermarkReceived(wm(20), on: 1)
        #expect(machine.watermarkStatusReceived(.idle, on: 2) == .forwardWatermark(wm(10)))
        #expect(machine.watermarkStatusReceived(.idle, on: 2) == .none, "a repeated status changes nothing")
        #expect(machine.isIdle(2))
        #expect(machine.watermarkReceived(wm(30), on: 2) == .none, "an idle channel's watermark is dropped")
        #expect(machine.watermarkStatusReceived(.idle, on: 0) == .forwardWatermark(wm(20)))
        #expect(machine.watermarkStatusReceived(.idle, on: 1) == .forwardStatus(.idle))
        #expect(machine.isIdle)
        #expect(machine.watermarkStatusReceived(.active, on: 0) == .forwardStatus(.active))
        #expect(machine.watermarkStatusReceived(.active, on: 1) == .none)
        #expect(!machine.isIdle)
    }

    @Test("when the last active channel goes idle the highest watermark goes before idle")
    func idleForwardsHighest() {
        var machine = gate(2)
        _ = machine.watermarkReceived(wm(10), on: 0)
        _ = machine.watermarkReceived(wm(40), on: 1)
        #expect(machine.forwardedWatermark == wm(10))
        #expect(machine.watermarkStatusReceived(.idle, on: 1) == .none, "its watermark is ahead: nothing moves")
        #expect(machine.watermarkStatusReceived(.idle, on: 0) == .forwardWatermarkThenIdle(wm(40)))
    }

    @Test("a channel that becomes active behind the watermark counts only once it catches up")
    func rejoin() {
        var machine = gate(2)
        _ = machine.watermarkStatusReceived(.idle, on: 0)
        #expect(machine.watermarkReceived(wm(50), on: 1) == .forwardWatermark(wm(50)))
        #expect(machine.watermarkStatusReceived(.active, on: 0) == .none)
        #expect(machine.watermarkReceived(wm(20), on: 0) == .none, "behind: no regression")
        #expect(machine.watermarkReceived(wm(60), on: 1) == .forwardWatermark(wm(60)), "the lagging channel does not hold it")
        #expect(machine.watermarkReceived(wm(70), on: 0) == .none, "caught up: it counts again")
        #expect(machine.watermarkReceived(wm(90), on: 1) == .forwardWatermark(wm(70)))
    }

    @Test("a channel rejoining when no other channel counts forwards its watermark at once, before a barrier after it")
    func rejoinWhenNoneCounts() {
        for mode in [InputGateStateMachine.BarrierMode.exactlyOnce, .atLeastOnce] {
            var machine = gate(3, mode)
            #expect(machine.watermarkReceived(wm(2), on: 1) == .none)
            #expect(machine.watermarkStatusReceived(.idle, on: 2) == .none)
            #expect(machine.watermarkReceived(wm(0), on: 0) == .forwardWatermark(wm(0)))
            #expect(machine.watermarkStatusReceived(.active, on: 2) == .none, "behind: it does not count")
            #expect(machine.watermarkStatusReceived(.idle, on: 1) == .none)
            #expect(machine.endOfInputReceived(on: 0) == .updateWatermark(.none), "no channel counts now")
            #expect(machine.watermarkStatusReceived(.active, on: 1) == .forwardWatermark(wm(2)), "it alone counts: w2 is the minimum")
            #expect(machine.barrierReceived(barrier(1), on: 1) == (mode == .exactlyOnce ? .blockChannel : .keepReading))
            #expect(machine.endOfInputReceived(on: 2) == .forwardBarrier(barrier(1), then: .none))
            #expect(machine.forwardedWatermark == wm(2))
        }
    }

    @Test("rejoining an idle gate forwards active and no watermark")
    func rejoinIdleGate() {
        var machine = gate(2)
        _ = machine.watermarkReceived(wm(3), on: 0)
        _ = machine.watermarkReceived(wm(7), on: 1)
        #expect(machine.watermarkStatusReceived(.idle, on: 0) == .forwardWatermark(wm(7)))
        #expect(machine.watermarkStatusReceived(.idle, on: 1) == .forwardStatus(.idle))
        #expect(machine.watermarkStatusReceived(.active, on: 0) == .forwardStatus(.active), "behind 7: it does not count")
        #expect(machine.watermarkStatusReceived(.active, on: 1) == .none, "at 7: it counts, nothing moves")
        #expect(machine.watermarkReceived(wm(8), on: 1) == .forwardWatermark(wm(8)), "channel 0 is behind: it does not hold 8")
    }

    @Test("the last active channel ending while the others are idle makes the gate idle")
    func endWhileOthersIdle() {
        var machine = gate(2)
        _ = machine.watermarkStatusReceived(.idle, on: 0)
        #expect(machine.endOfInputReceived(on: 1) == .updateWatermark(.forwardStatus(.idle)))
    }

    // MARK: Barriers, exactly-once

    @Test("exactly-once: a channel that delivered barrier n is blocked until every channel has; then n goes once")
    func aligned() {
        var machine = gate(3)
        #expect(machine.barrierReceived(barrier(1), on: 1) == .blockChannel)
        #expect(!machine.isReadable(1))
        #expect(machine.channelStates == [.reading, .blocked, .reading])
        #expect(machine.barrierReceived(barrier(1), on: 0) == .blockChannel)
        #expect(machine.channelToRead() == 2)
        #expect(machine.barrierState == .aligning(barrier(1), missing: 1))
        #expect(machine.barrierReceived(barrier(1), on: 2) == .forwardBarrier(barrier(1)))
        #expect((0..<3).allSatisfy(machine.isReadable))
        #expect(machine.barrierState == .noCheckpointPending(latest: 1))
        #expect(machine.barrierReceived(barrier(1), on: 0) == .ignore, "a completed checkpoint's barrier is stale")
    }

    @Test("one channel: its barrier goes at once, nothing blocks")
    func singleChannel() {
        var machine = gate(1)
        #expect(machine.barrierReceived(barrier(4), on: 0) == .forwardBarrier(barrier(4)))
        #expect(machine.isReadable(0))
    }

    @Test("exactly-once: an ended channel counts as aligned, also when it is the last one missing")
    func endedCountsAsAligned() {
        var machine = gate(3)
        _ = machine.endOfInputReceived(on: 2)
        #expect(machine.barrierReceived(barrier(1), on: 0) == .blockChannel)
        #expect(machine.endOfInputReceived(on: 1) == .forwardBarrier(barrier(1), then: .none))
        #expect(machine.isReadable(0))
    }

    @Test("exactly-once: a newer barrier cancels the pending one and starts aligning itself")
    func newerBarrierOvertakes() {
        var machine = gate(3)
        _ = machine.barrierReceived(barrier(1), on: 0)
        #expect(machine.barrierReceived(barrier(2), on: 1) == .forwardCancelAndBlockChannel(1))
        #expect(machine.channelStates == [.reading, .blocked, .reading])
        #expect(machine.barrierReceived(barrier(1), on: 2) == .ignore, "the overtaken barrier is stale")
        #expect(machine.barrierReceived(barrier(2), on: 0) == .blockChannel)
        #expect(machine.barrierReceived(barrier(2), on: 2) == .forwardBarrier(barrier(2)))
    }

    @Test("a cancel-checkpoint releases blocked channels, goes once, and makes its barriers stale")
    func cancel() {
        var machine = gate(3)
        _ = machine.barrierReceived(barrier(1), on: 0)
        #expect(machine.cancelReceived(1, on: 1) == .forwardCancel(1))
        #expect((0..<3).allSatisfy(machine.isReadable))
        #expect(machine.cancelReceived(1, on: 2) == .ignore)
        #expect(machine.barrierReceived(barrier(1), on: 2) == .ignore)
        #expect(machine.cancelReceived(3, on: 2) == .forwardCancel(3), "a cancel for a checkpoint not yet seen goes once too")
        #expect(machine.barrierReceived(barrier(3), on: 1) == .ignore)
        #expect(machine.barrierReceived(barrier(4), on: 1) == .blockChannel)
        #expect(machine.cancelReceived(2, on: 2) == .ignore, "an older cancel does not touch the pending alignment")
        #expect(machine.channelStates[1] == .blocked)
    }

    // MARK: Barriers, at-least-once

    @Test("at-least-once: barriers are counted, nothing blocks, the barrier goes when every channel delivered it")
    func counted() {
        var machine = gate(2, .atLeastOnce)
        #expect(machine.barrierReceived(barrier(1), on: 0) == .keepReading)
        #expect(machine.isReadable(0))
        #expect(machine.channelStates == [.delivered, .reading])
        _ = machine.watermarkReceived(wm(3), on: 0)
        #expect(machine.barrierReceived(barrier(1), on: 1) == .forwardBarrier(barrier(1)))
        #expect(machine.channelStates == [.reading, .reading])
    }

    @Test("at-least-once: a newer barrier cancels the pending one; it may complete at once")
    func countedOvertake() {
        var machine = gate(2, .atLeastOnce)
        #expect(machine.barrierReceived(barrier(1), on: 0) == .keepReading)
        #expect(machine.barrierReceived(barrier(2), on: 0) == .forwardCancel(1))
        #expect(machine.endOfInputReceived(on: 0) == .updateWatermark(.none))
        #expect(
            machine.barrierReceived(barrier(3), on: 1) == .forwardCancelThenBarrier(2, barrier(3)),
            "checkpoint 2 waited for channel 1, which skipped to 3; channel 0 has ended")

        var other = gate(2, .atLeastOnce)
        _ = other.barrierReceived(barrier(1), on: 0)
        _ = other.endOfInputReceived(on: 0)
        #expect(other.barrierReceived(barrier(2), on: 1) == .forwardCancelThenBarrier(1, barrier(2)))
    }

    @Test("at-least-once: the last channel ending completes the pending barrier before the finish")
    func countedEndCompletes() {
        var machine = gate(2, .atLeastOnce)
        _ = machine.barrierReceived(barrier(1), on: 0)
        #expect(machine.endOfInputReceived(on: 0) == .updateWatermark(.none), "a delivered channel ending changes nothing")
        #expect(machine.barrierState == .aligning(barrier(1), missing: 1))
        #expect(machine.endOfInputReceived(on: 1) == .forwardBarrierThenFinish(barrier(1)))
    }

    @Test("the barrier completed by an end of input goes before the watermark it releases")
    func endCompletesThenWatermark() {
        var machine = gate(3, .atLeastOnce)
        _ = machine.watermarkReceived(wm(5), on: 0)
        _ = machine.watermarkReceived(wm(7), on: 2)
        _ = machine.barrierReceived(barrier(1), on: 0)
        _ = machine.barrierReceived(barrier(1), on: 2)
        #expect(machine.endOfInputReceived(on: 1) == .forwardBarrier(barrier(1), then: .forwardWatermark(wm(5))))
    }
}
