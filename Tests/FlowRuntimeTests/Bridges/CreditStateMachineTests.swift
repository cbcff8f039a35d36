import FlowCore
import FlowRuntime
import Testing

@Suite struct CreditStateMachineTests {
    @Test("a new machine grants every slot as a credit", arguments: [1, 2, 4, 16])
    func initialState(slots: Int) {
        let machine = CreditStateMachine(slots: slots)
        #expect(machine.slots == slots)
        #expect(machine.credits == slots)
        #expect(machine.inFlight == 0)
        #expect(machine.hasCredit)
    }

    @Test("sending spends credits until none is left, then the sender must wait")
    func sendUntilEmpty() {
        var machine = CreditStateMachine(slots: 3)
        for sent in 1...3 {
            #expect(machine.sendRequested() == .send)
            #expect(machine.credits == 3 - sent)
            #expect(machine.inFlight == sent)
        }
        #expect(!machine.hasCredit)
        #expect(machine.sendRequested() == .waitForCredit)
        #expect(machine.sendRequested() == .waitForCredit)
        #expect(machine.credits == 0)
        #expect(machine.inFlight == 3)
    }

    @Test("consuming an element returns its credit")
    func consumeReturnsCredit() {
        var machine = CreditStateMachine(slots: 1)
        #expect(machine.sendRequested() == .send)
        #expect(machine.sendRequested() == .waitForCredit)
        machine.elementConsumed()
        #expect(machine.credits == 1)
        #expect(machine.inFlight == 0)
        #expect(machine.hasCredit)
        #expect(machine.sendRequested() == .send)
    }

    /// One step of a generated run.
    enum Event: CustomStringConvertible {
        case send, consume
        var description: String { self == .send ? "S" : "C" }
    }

    /// Every sequence of up to `length` events in which `consume` only happens with something in flight.
    static func validSequences(slots: Int, length: Int) -> [[Event]] {
        var result: [[Event]] = [[]]
        func extend(_ prefix: [Event], inFlight: Int) {
            guard prefix.count < length else { return }
            let sent = prefix + [.send]
            result.append(sent)
            extend(sent, inFlight: Swift.min(inFlight + 1, slots))
            if inFlight > 0 {
                let consumed = prefix + [.consume]
                result.append(consumed)
                extend(consumed, inFlight: inFlight - 1)
            }
        }
        extend([], inFlight: 0)
        return result
    }

    @Test("exhaustively, for every valid run of up to 8 events: credits + inFlight == slots, never negative, send only with credit",
          arguments: 1...4)
    func exhaustiveInvariants(slots: Int) {
        let sequences = Self.validSequences(slots: slots, length: 8)
        // The generator covers the corners: only sends (past the credit limit), strict alternation.
        #expect(sequences.contains { $0.map(\.description).joined() == "SSSSSSSS" })
        #expect(sequences.contains { $0.map(\.description).joined() == "SCSCSCSC" })
        #expect(Set(sequences.map { $0.map(\.description).joined() }).count == sequences.count)
        for events in sequences {
            var machine = CreditStateMachine(slots: slots)
            var modelInFlight = 0
            for event in events {
                switch event {
                case .send:
                    let hadCredit = machine.hasCredit
                    let action = machine.sendRequested()
                    #expect(action == (modelInFlight < slots ? .send : .waitForCredit), "\(events)")
                    #expect(hadCredit == (action == .send), "\(events)")
                    if action == .send { modelInFlight += 1 }
                case .consume:
                    machine.elementConsumed()
                    modelInFlight -= 1
                }
                #expect(machine.inFlight == modelInFlight, "\(events)")
                #expect(machine.credits + machine.inFlight == slots, "\(events)")
                #expect(machine.credits >= 0 && machine.inFlight >= 0, "\(events)")
                #expect(machine.hasCredit == (machine.credits > 0), "\(events)")
            }
        }
    }

    @Test("machines with the same state are equal")
    func equality() {
        var a = CreditStateMachine(slots: 2)
        var b = CreditStateMachine(slots: 2)
        #expect(a == b)
        _ = a.sendRequested()
        #expect(a != b)
        _ = b.sendRequested()
        #expect(a == b)
        #expect(CreditStateMachine(slots: 2) != CreditStateMachine(slots: 3))
    }

    @Test("zero slots is a precondition failure")
    func zeroSlotsTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = CreditStateMachine(slots: 0)
        }
    }

    @Test("consuming with nothing in flight is a precondition failure")
    func consumeWithNothingInFlightTraps() async {
        await #expect(processExitsWith: .failure) {
            var machine = CreditStateMachine(slots: 2)
            machine.elementConsumed()
        }
    }
}
