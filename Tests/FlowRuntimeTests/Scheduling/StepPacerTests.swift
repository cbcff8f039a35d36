import FlowRuntime
import Testing

@Suite("StepPacer: how many records a step takes in")
struct StepPacerTests {
    /// A pacer on a clock that moves only when told: one step of the clock is 1 ms.
    private func pacer(
        batchSize: Int = 1024, byteBudget: Int = 1 << 30, flushTimeout: Duration = .milliseconds(10),
        paced: Bool = true
    ) -> (StepPacer, FlushClock) {
        let clock = FlushClock(stepLength: .milliseconds(1))
        return (StepPacer(batchSize: batchSize, byteBudget: byteBudget, flushTimeout: flushTimeout, clock: clock, paced: paced), clock)
    }

    /// One step taking in `records` records whose work takes `milliseconds` on the pacer's clock.
    private func step(_ pacer: StepPacer, _ clock: FlushClock, records: Int, milliseconds: Int = 0, bytes: Int = 0) {
        let start = pacer.now()
        for _ in 0..<milliseconds { clock.step() }
        pacer.addWork(since: start)
        pacer.addOutputBytes(bytes)
        pacer.endStep(records: records)
    }

    @Test("Cheap records: the limit starts at one and grows fourfold per step up to the batch size")
    func ramp() {
        let (pacer, clock) = pacer()
        var limits = [pacer.limit]
        for _ in 0..<7 {
            step(pacer, clock, records: pacer.limit)
            limits.append(pacer.limit)
        }
        #expect(limits == [1, 4, 16, 64, 256, 1024, 1024, 1024])
    }

    @Test("Records costing 1 ms each: a step takes in as many as half the flush timeout allows")
    func slowRecords() {
        let (pacer, clock) = pacer(flushTimeout: .milliseconds(10))
        #expect(pacer.workBudget == 5_000_000)
        step(pacer, clock, records: 1, milliseconds: 1)
        #expect(pacer.limit == 4, "1 ms per record allows 5, but the limit grows at most fourfold")
        step(pacer, clock, records: 4, milliseconds: 4)
        #expect(pacer.limit == 5)
        step(pacer, clock, records: 5, milliseconds: 20)
        #expect(pacer.limit == 5, "one step at 4 ms per record could be a preemption: not yet believed")
        step(pacer, clock, records: 5, milliseconds: 20)
        #expect(pacer.limit == 1, "two at 4 ms per record: not even one fits, and a step takes at least one")
    }

    @Test("One slow step among cheap ones (the thread preempted) does not shrink the next steps")
    func preemptedStep() {
        let (pacer, clock) = pacer(flushTimeout: .milliseconds(10))
        clock.step()  // the clock reads 1 ms, so a timed step's start is not 0
        for _ in 0..<5 { step(pacer, clock, records: pacer.limit) }
        #expect(pacer.limit == 1024)
        while pacer.now() == 0 { step(pacer, clock, records: 1024) }  // the next step is timed
        step(pacer, clock, records: 1024, milliseconds: 8)  // 8 ms for 1024 cheap records: preempted
        #expect(pacer.limit == 1024)
        step(pacer, clock, records: 1024)
        #expect(pacer.limit == 1024)
    }

    @Test("When records become cheap again, the limit grows back")
    func recovers() {
        let (pacer, clock) = pacer()
        step(pacer, clock, records: 1, milliseconds: 10)
        #expect(pacer.limit == 1)
        for _ in 0..<6 { step(pacer, clock, records: pacer.limit) }
        #expect(pacer.limit == 1024)
    }

    @Test("Records of 1 MiB with a 4 MiB batch budget: four per step; the estimate shrinks slowly")
    func heavyRecords() {
        let (pacer, clock) = pacer(byteBudget: 4 << 20)
        step(pacer, clock, records: 1, bytes: 1 << 20)
        #expect(pacer.limit == 4)
        step(pacer, clock, records: 4, bytes: 4 << 20)
        #expect(pacer.limit == 4)
        // Small records now: the estimate decays by a quarter per step, so the limit grows back gradually.
        step(pacer, clock, records: 4, bytes: 64)
        #expect(pacer.limit == 5)
        for _ in 0..<40 { step(pacer, clock, records: pacer.limit, bytes: pacer.limit * 16) }
        #expect(pacer.limit == 1024)
    }

    @Test("An unpaced pacer stays at the batch size whatever a step costs")
    func unpaced() {
        let (pacer, clock) = pacer(batchSize: 256, byteBudget: 100, paced: false)
        #expect(pacer.limit == 256)
        step(pacer, clock, records: 256, milliseconds: 100, bytes: 1 << 30)
        #expect(pacer.limit == 256)
    }

    @Test("A step that took in nothing changes nothing")
    func emptyStep() {
        let (pacer, clock) = pacer()
        step(pacer, clock, records: 1)
        step(pacer, clock, records: 0, milliseconds: 100, bytes: 1 << 30)
        #expect(pacer.limit == 4)
    }

    @Test("At full batches of cheap steps only every fourth step is timed; a step that is not cheap is timed again at once")
    func timingSchedule() {
        let (pacer, clock) = pacer(flushTimeout: .milliseconds(80))  // work budget 40 ms, cheap below 5 ms
        clock.step()  // the clock reads 1 ms, so a timed step's start is not 0
        for _ in 0..<5 { step(pacer, clock, records: pacer.limit) }
        #expect(pacer.limit == 1024)
        var timed: [Bool] = []
        for _ in 0..<8 {
            timed.append(pacer.now() != 0)
            step(pacer, clock, records: 1024)
        }
        let timedSteps = timed.indices.filter { timed[$0] }
        #expect(timedSteps.count == 2 && timedSteps[1] - timedSteps[0] == 4, "timed: \(timed)")
        // Wait for a timed step and make it cost 10 ms: not cheap, so the next is timed too.
        while pacer.now() == 0 { step(pacer, clock, records: 1024) }
        step(pacer, clock, records: 1024, milliseconds: 10)
        #expect(pacer.limit == 1024, "10 ms for 1024 records is within the 40 ms budget")
        #expect(pacer.now() != 0)
        step(pacer, clock, records: 1024, milliseconds: 10)
        #expect(pacer.now() != 0)
    }
}
