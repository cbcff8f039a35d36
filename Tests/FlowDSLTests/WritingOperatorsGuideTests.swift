// The worked example of Docs/Guides/WritingOperators.md and its tests, copied verbatim, so the
// guide's code compiles and does what it says.
import Flow
import FlowTesting
import Testing

/// Counts each key's records and emits `Keyed(key, count)` `delay` milliseconds after the key's
/// first record (event time: after its timestamp; processing time: after it arrived), then
/// starts the key over.
///
/// ## Concurrency
/// An instance, with its state and timers, is confined to the task that runs it.
public struct CountAfterFirst<Record: Sendable, Key: StableHashable & Hashable & Sendable>: KeyedTimerOperator {
    public typealias Input = Record
    public typealias Output = Keyed<Key, Int>

    @usableFromInline let key: @Sendable (Record) throws -> Key
    @usableFromInline let delay: Int64
    @usableFromInline let domain: TimeDomain
    /// The count of each key that has a pending timer.
    @usableFromInline var counts: RAMValueState<Key, EmptyNamespace, Int>  // protected by the owning task (confinement)
    /// One timer per counting key.
    public var timers: TimerService<Key, EmptyNamespace>  // protected by the owning task (confinement)
    @usableFromInline var processingTime = ProcessingTimeService.system

    public init(key: @escaping @Sendable (Record) throws -> Key, delay: Int64, in domain: TimeDomain = .eventTime) {
        self.key = key
        self.delay = delay
        self.domain = domain
        // Until open(context:) gives the instance's key groups: all of them, as a single instance.
        let all = KeyGroupRange(lowerBound: 0, upperBound: KeyGroup.defaultMaxParallelism)
        counts = RAMValueState(keyGroups: all, maxParallelism: KeyGroup.defaultMaxParallelism)
        timers = TimerService(keyGroups: all, maxParallelism: KeyGroup.defaultMaxParallelism)
    }

    public mutating func open(context: OperatorContext) throws {
        counts = RAMValueState(keyGroups: context.keyGroupRange, maxParallelism: context.maxParallelism)
        timers = TimerService(keyGroups: context.keyGroupRange, maxParallelism: context.maxParallelism)
        processingTime = context.processingTime
    }

    /// - Complexity: O(input.count): per record, one key selector call, one stable hash and one
    ///   probe; a first record adds a timer (O(log timers)). No allocation in steady state.
    @inlinable
    public mutating func process(_ input: inout Batch<Record>, into output: inout Batch<Keyed<Key, Int>>) throws {
        let keyOf = key
        let delay = self.delay
        let maxParallelism = counts.maxParallelism
        let now = domain == .processingTime ? processingTime.now() : 0  // once per batch, never per record
        try input.withUnsafeBuffers { records, timestamps in
            for index in records.indices {
                let key: Key
                do {
                    key = try keyOf(records[index])
                } catch {
                    throw RecordFailure(
                        stage: 0, recordIndex: index, record: FlowError.describe(records[index]),
                        origin: .keySelector, underlying: error)
                }
                let hash = key.stableHashValue  // once per record: the probe and the key group both use it
                let isFirst = counts.update(key, namespace: EmptyNamespace(), hash: hash, default: { 0 }) { count in
                    count += 1
                    return count == 1
                }
                guard isFirst else { continue }
                let keyGroup = KeyGroup(hash: hash, maxParallelism: maxParallelism).index
                switch domain {
                case .eventTime:
                    timers.registerEventTimeTimer(
                        key: key, namespace: EmptyNamespace(), keyGroup: keyGroup,
                        at: timestamps[index].milliseconds + delay)
                case .processingTime:
                    timers.registerProcessingTimeTimer(key: key, namespace: EmptyNamespace(), keyGroup: keyGroup, at: now + delay)
                }
            }
        }
        input.removeAll(keepingCapacity: true)
    }

    public mutating func onTimer(
        _ timer: OperatorTimer<Key, EmptyNamespace>, domain: TimeDomain,
        into output: inout Batch<Keyed<Key, Int>>
    ) throws {
        guard let count = counts.removeValue(for: timer.key, namespace: timer.namespace, hash: timer.key.stableHashValue) else { return }
        output.append(
            Keyed(key: timer.key, value: count),
            at: domain == .eventTime ? EventTime(milliseconds: timer.time) : .unassigned)
    }

    public mutating func snapshotState(checkpoint: Int64, into snapshot: inout KeyedStateSnapshot) throws {
        counts.snapshot(into: &snapshot, name: "counts")
        snapshotTimers(into: &snapshot)
    }

    public mutating func restoreState(from snapshot: KeyedStateSnapshot) throws {
        try counts.restore(from: snapshot, name: "counts")
        try restoreTimers(from: snapshot)
    }
}

@Suite struct WritingOperatorsGuideTests {

    @Test func emitsTheCountWhenTheTimerFires() throws {
        var harness = try OperatorHarness(CountAfterFirst(key: { (user: String) in user }, delay: 10))
        try harness.push(["a", "a"], at: EventTime(milliseconds: 100))
        try harness.push(["b"], at: EventTime(milliseconds: 105))
        try harness.pushWatermark(Watermark(EventTime(milliseconds: 109)))
        #expect(harness.takeOutput().isEmpty)
        try harness.pushWatermark(Watermark(EventTime(milliseconds: 112)))
        #expect(harness.takeOutput() == [Keyed(key: "a", value: 2)])
        try harness.push(["a"], at: EventTime(milliseconds: 113))
        try harness.pushWatermark(.maximum)
        #expect(harness.takeOutput() == [Keyed(key: "b", value: 1), Keyed(key: "a", value: 1)])
        try harness.end()
    }
    @Test func processingTimeFollowsTheClock() throws {
        let clock = ManualClock()
        var harness = try OperatorHarness(
            CountAfterFirst(key: { (user: String) in user }, delay: 500, in: .processingTime),
            processingTime: ProcessingTimeService(clock, origin: 1_000))
        try harness.push(["a", "b", "a"])
        #expect(harness.nextProcessingTimer == 1_500)
        clock.advance(by: .milliseconds(499))
        try harness.advanceProcessingTime()
        #expect(harness.takeOutput().isEmpty)
        clock.advance(by: .milliseconds(1))
        try harness.advanceProcessingTime()
        #expect(Set(harness.takeOutput()) == [Keyed(key: "a", value: 2), Keyed(key: "b", value: 1)])
        try harness.end()
    }
    @Test(arguments: [1, 3])
    func restoresAtAnotherParallelism(parallelism: Int) throws {
        let users = (0..<200).map { "user\($0 % 37)" }
        let make = { CountAfterFirst(key: { (user: String) in user }, delay: 10) }
        let maxParallelism = KeyGroup.defaultMaxParallelism

        var reference = try OperatorHarness(make())
        try reference.push(users, at: EventTime(milliseconds: 1))
        try reference.pushWatermark(.maximum)
        let expected = Dictionary(uniqueKeysWithValues: reference.takeOutput().map { ($0.key, $0.value) })
        try reference.end()

        var snapshots: [OperatorSnapshot] = []
        for subtask in 0..<2 {
            var harness = try OperatorHarness(make(), subtask: subtask, parallelism: 2)
            let owned = users.filter { KeyGroup(of: $0, maxParallelism: maxParallelism).owner(parallelism: 2, maxParallelism: maxParallelism) == subtask }
            try harness.push(owned, at: EventTime(milliseconds: 1))
            snapshots.append(try harness.snapshot(checkpoint: 1))
            try harness.end()
        }

        var fired: [String: Int] = [:]
        for subtask in 0..<parallelism {
            var restored = try OperatorHarness.restoring(snapshots, into: make, subtask: subtask, parallelism: parallelism)
            try restored.pushWatermark(.maximum)
            for count in restored.takeOutput() { fired[count.key] = count.value }
            try restored.end()
        }
        #expect(fired == expected)
    }
}
