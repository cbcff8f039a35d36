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

    @Test(
        "exhaustively, for every valid run of up to 8 events: credits + inFlight == slots, never negative, send only with credit",
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

    /// One step of a bridge's two sides, each running its own view of the channel.
    enum ViewEvent: CaseIterable, CustomStringConvertible {
        /// The sender asks its view to send.
        case send
        /// The sender loads the receiver's counter.
        case senderLoads
        /// The receiver loads the sender's counter.
        case receiverLoads
        /// The receiver consumes, if its view has an element.
        case consume
        var description: String {
            switch self {
            case .send: "S"
            case .senderLoads: "s"
            case .receiverLoads: "r"
            case .consume: "C"
            }
        }
    }

    @Test(
        "two views, as RingBridge runs them: every interleaving of up to 7 steps keeps each view behind the truth and the channel within its slots",
        arguments: 1...3)
    func viewsNeverRunAhead(slots: Int) {
        var runs = 0
        func explore(_ events: [ViewEvent], sender: CreditStateMachine, receiver: CreditStateMachine) {
            runs += 1
            // The truth: the sender's own count, the receiver's own count.
            let sent = sender.sent
            let received = receiver.received
            #expect(received <= sent && sent - received <= slots, "\(events)")
            #expect(sender.credits <= slots - (sent - received), "\(events): the sender sees no more credits than it has")
            #expect(receiver.inFlight <= sent - received, "\(events): the receiver sees no more elements than are sent")
            guard events.count < 7 else { return }
            for event in ViewEvent.allCases {
                var nextSender = sender
                var nextReceiver = receiver
                switch event {
                case .send:
                    let hadCredit = sender.hasCredit
                    #expect((nextSender.sendRequested() == .send) == hadCredit, "\(events + [event])")
                case .senderLoads:
                    nextSender.creditsReturned(received: received)
                case .receiverLoads:
                    nextReceiver.elementsArrived(sent: sent)
                case .consume:
                    guard receiver.hasElement else { continue }
                    nextReceiver.elementConsumed()
                }
                explore(events + [event], sender: nextSender, receiver: nextReceiver)
            }
        }
        explore([], sender: CreditStateMachine(slots: slots), receiver: CreditStateMachine(slots: slots))
        #expect(runs > 1000)
    }

    @Test("a sender out of credit gets it back by loading the receiver's counter")
    func senderViewReloads() {
        var sender = CreditStateMachine(slots: 2)
        var receiver = CreditStateMachine(slots: 2)
        #expect(sender.sendRequested() == .send && sender.sendRequested() == .send)
        #expect(sender.sendRequested() == .waitForCredit)
        #expect(!receiver.hasElement)
        receiver.elementsArrived(sent: sender.sent)
        #expect(receiver.inFlight == 2)
        receiver.elementConsumed()
        #expect(sender.sendRequested() == .waitForCredit, "the sender has not seen the credit yet")
        sender.creditsReturned(received: receiver.received)
        #expect(sender.credits == 1)
        #expect(sender.sendRequested() == .send)
    }

    @Test("a view's counter of the other side never goes back, and the receiver never learns of more than slots in flight")
    func viewUpdatesOutOfRangeTrap() async {
        await #expect(processExitsWith: .failure) {
            var sender = CreditStateMachine(slots: 2)
            _ = sender.sendRequested()
            sender.creditsReturned(received: 2)
        }
        await #expect(processExitsWith: .failure) {
            var receiver = CreditStateMachine(slots: 2)
            receiver.elementsArrived(sent: 3)
        }
        await #expect(processExitsWith: .failure) {
            var receiver = CreditStateMachine(slots: 2)
            receiver.elementsArrived(sent: 2)
            receiver.elementsArrived(sent: 1)
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
