import FlowCore
import PropertyBased
import Testing

private typealias Service = TimerService<Int, Int>
private typealias Timer = OperatorTimer<Int, Int>

/// The reference model: pending timers with their registration sequence; due timers fire by
/// (time, key group, sequence).
private struct ReferenceTimers {
    var pending: [Timer: Int] = [:]
    var sequence = 0

    mutating func register(_ timer: Timer) {
        if pending[timer] == nil {
            pending[timer] = sequence
            sequence += 1
        }
    }

    mutating func fire(atOrBefore time: Int64) -> [Timer] {
        let due = pending.filter { $0.key.time <= time }.sorted {
            ($0.key.time, $0.key.keyGroup, $0.value) < ($1.key.time, $1.key.keyGroup, $1.value)
        }.map(\.key)
        for timer in due { pending[timer] = nil }
        return due
    }

    /// The pending timers in firing order.
    var ordered: [Timer] {
        pending.sorted { ($0.key.time, $0.key.keyGroup, $0.value) < ($1.key.time, $1.key.keyGroup, $1.value) }.map(\.key)
    }
}

private let maxParallelism = 8

private func timer(key: Int, namespace: Int, time: Int64) -> Timer {
    Timer(key: key, namespace: namespace, time: time, keyGroup: KeyGroup(of: key, maxParallelism: maxParallelism).index)
}

private func register(_ timer: Timer, in service: inout Service, _ domain: TimeDomain) {
    switch domain {
    case .eventTime: service.registerEventTimeTimer(key: timer.key, namespace: timer.namespace, keyGroup: timer.keyGroup, at: timer.time)
    case .processingTime: service.registerProcessingTimeTimer(key: timer.key, namespace: timer.namespace, keyGroup: timer.keyGroup, at: timer.time)
    }
}

private func delete(_ timer: Timer, in service: inout Service, _ domain: TimeDomain) {
    switch domain {
    case .eventTime: service.deleteEventTimeTimer(key: timer.key, namespace: timer.namespace, keyGroup: timer.keyGroup, at: timer.time)
    case .processingTime: service.deleteProcessingTimeTimer(key: timer.key, namespace: timer.namespace, keyGroup: timer.keyGroup, at: timer.time)
    }
}

private func next(_ service: Service, _ domain: TimeDomain) -> Int64? {
    domain == .eventTime ? service.nextEventTime : service.nextProcessingTime
}

/// Pops every timer due at `time`, in the order the service returns them.
private func fire(_ service: inout Service, _ domain: TimeDomain, atOrBefore time: Int64) -> [Timer] {
    var fired: [Timer] = []
    while let timer = domain == .eventTime ? service.popEventTimer(atOrBefore: time) : service.popProcessingTimer(atOrBefore: time) {
        fired.append(timer)
    }
    return fired
}

/// Runs random register / delete / advance operations (decoded from `codes`) against `services`
/// (owning the key groups of `parallelism` instances) and the reference, checking every firing.
private func run(
    _ codes: [Int], _ domain: TimeDomain, _ services: inout [Service], _ reference: inout ReferenceTimers,
    parallelism: Int
) {
    var clock: Int64 = 0
    for code in codes {
        let operation = code % 5
        let subject = timer(key: (code / 5) % 11, namespace: (code / 55) % 2, time: clock - 5 + Int64((code / 110) % 40))
        let owner = KeyGroup(subject.keyGroup).owner(parallelism: parallelism, maxParallelism: maxParallelism)
        switch operation {
        case 0, 1:
            register(subject, in: &services[owner], domain)
            reference.register(subject)
        case 2:
            delete(subject, in: &services[owner], domain)
            reference.pending[subject] = nil
        case 3:
            clock += Int64((code / 110) % 20)
            let expected = reference.fire(atOrBefore: clock)
            var fired: [Timer] = []
            for index in services.indices { fired += fire(&services[index], domain, atOrBefore: clock) }
            // Instances fire independently; each in reference order.
            for index in services.indices {
                let mine = { (timer: Timer) in KeyGroup(timer.keyGroup).owner(parallelism: parallelism, maxParallelism: maxParallelism) == index }
                #expect(fired.filter(mine) == expected.filter(mine), "instance \(index) at \(clock)")
            }
            #expect(Set(fired) == Set(expected))
        default:
            let earliest = reference.pending.keys.filter { KeyGroup($0.keyGroup).owner(parallelism: parallelism, maxParallelism: maxParallelism) == owner }.map(
                \.time
            ).min()
            #expect(next(services[owner], domain) == earliest)
        }
    }
}

private func ranges(_ parallelism: Int) -> [KeyGroupRange] {
    (0..<parallelism).map { KeyGroupRange(subtask: $0, parallelism: parallelism, maxParallelism: maxParallelism) }
}

private let operations = Gen.int(in: 0...999_999).array(of: 0...300)

@Suite struct TimerServiceTests {
    @Test("timers fire in time order, ties by key group then registration; a duplicate registers once")
    func order() {
        var service = TimerService<String, EmptyNamespace>(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: 128), maxParallelism: 128)
        func group(_ key: String) -> Int { KeyGroup(of: key, maxParallelism: 128).index }
        let keys = ["a", "b", "c", "d"]
        for key in keys.reversed() {
            service.registerEventTimeTimer(key: key, namespace: EmptyNamespace(), keyGroup: group(key), at: 20)
        }
        service.registerEventTimeTimer(key: "a", namespace: EmptyNamespace(), keyGroup: group("a"), at: 10)
        service.registerEventTimeTimer(key: "a", namespace: EmptyNamespace(), keyGroup: group("a"), at: 10)
        #expect(service.eventTimerCount == 5)
        #expect(service.nextEventTime == 10)
        #expect(service.popEventTimer(atOrBefore: 9) == nil)
        #expect(service.popEventTimer(atOrBefore: 10)?.key == "a")
        #expect(service.popEventTimer(atOrBefore: 10) == nil)
        var fired: [String] = []
        while let timer = service.popEventTimer(atOrBefore: 20) { fired.append(timer.key) }
        #expect(fired == keys.sorted { group($0) < group($1) })
        #expect(service.nextEventTime == nil)
        #expect(service.processingTimerCount == 0)
    }

    @Test("a timer registered at or before the watermark is due at the next pop; deleting a timer keeps it from firing")
    func pastAndDeleted() {
        var service = Service(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: maxParallelism), maxParallelism: maxParallelism)
        let late = timer(key: 1, namespace: 0, time: 5)
        let deleted = timer(key: 2, namespace: 0, time: 3)
        register(deleted, in: &service, .processingTime)
        register(late, in: &service, .processingTime)
        delete(deleted, in: &service, .processingTime)
        #expect(service.nextProcessingTime == 5)
        #expect(service.popProcessingTimer(atOrBefore: 100) == late)
        #expect(service.popProcessingTimer(atOrBefore: 100) == nil)
        #expect(service.popEventTimer(atOrBefore: 100) == nil)
    }

    @Test(
        "random register, delete and advance sequences fire exactly the reference's timers, in order",
        arguments: [TimeDomain.eventTime, .processingTime])
    func agreesWithReference(domain: TimeDomain) async {
        await propertyCheck(input: operations) { codes in
            var services = [Service(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: maxParallelism), maxParallelism: maxParallelism)]
            var reference = ReferenceTimers()
            run(codes, domain, &services, &reference, parallelism: 1)
            #expect(fire(&services[0], domain, atOrBefore: .max) == reference.fire(atOrBefore: .max))
        }
    }

    @Test(
        "snapshot then restore at another parallelism gives the same pending timers, firing in the same order",
        arguments: [(1, 3), (3, 1), (2, 5), (4, 4)])
    func restoreAtAnotherParallelism(old: Int, new: Int) async {
        await propertyCheck(input: operations, Gen.int(in: 0...999_999).array(of: 0...100)) { before, after in
            for domain in [TimeDomain.eventTime, .processingTime] {
                var services = ranges(old).map { Service(keyGroups: $0, maxParallelism: maxParallelism) }
                var reference = ReferenceTimers()
                run(before, domain, &services, &reference, parallelism: old)
                let parts = services.map { service in
                    var snapshot = KeyedStateSnapshot(operatorID: "window", checkpointID: 2, maxParallelism: maxParallelism)
                    service.snapshot(into: &snapshot)
                    return snapshot
                }
                let merged = try KeyedStateSnapshot.merging(parts)
                var restored = try ranges(new).map { range in
                    var service = Service(keyGroups: range, maxParallelism: maxParallelism)
                    try service.restore(from: merged.restricted(to: range))
                    return service
                }
                let pending = reference.ordered
                for (index, range) in ranges(new).enumerated() {
                    var copy = restored[index]
                    #expect(fire(&copy, domain, atOrBefore: .max) == pending.filter { range.contains(KeyGroup($0.keyGroup)) })
                }
                // The restored services go on like the reference.
                run(after, domain, &restored, &reference, parallelism: new)
            }
        }
    }

    @Test("restoring timers of unowned key groups, or entries of another type, is an error naming what is wrong")
    func badRestores() throws {
        var full = Service(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: maxParallelism), maxParallelism: maxParallelism)
        for key in 0..<40 { register(timer(key: key, namespace: 0, time: 1), in: &full, .eventTime) }
        var snapshot = KeyedStateSnapshot(operatorID: "window", checkpointID: 1, maxParallelism: maxParallelism)
        full.snapshot(into: &snapshot)
        var half = Service(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: 4), maxParallelism: maxParallelism)
        let unowned = #expect(throws: FlowError.self) { try half.restore(from: snapshot) }
        #expect(unowned?.code == .stateRestoreFailed)
        #expect(unowned?.message.contains("key group 4") == true && unowned?.message.contains("KeyGroups[0..<4]") == true, "\(String(describing: unowned))")
        #expect(half.eventTimerCount == 0)

        var strings = TimerService<String, Int>(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: maxParallelism), maxParallelism: maxParallelism)
        let mismatch = #expect(throws: FlowError.self) { try strings.restore(from: snapshot) }
        #expect(
            mismatch?.message.contains("timers.eventTime") == true && mismatch?.message.contains("OperatorTimer<String, Int>") == true,
            "\(String(describing: mismatch))")
    }
}
