import FlowCore
import Testing

@Suite("BatchAppender and copy-on-write storage")
struct BatchAppenderTests {
    @Test("Appending past the reserved capacity grows and keeps every record and timestamp")
    func growth() {
        var batch = Batch<String>(capacity: 2)
        batch.append("first", at: EventTime(milliseconds: -1))
        batch.withAppender(reservingCapacity: 1) { appender in
            for index in 0..<100 { appender.append("r\(index)", at: EventTime(milliseconds: Int64(index))) }
            #expect(appender.recordCount == 101)
        }
        #expect(batch.count == 101)
        #expect(batch.capacity >= 101)
        #expect(Array(batch.records) == ["first"] + (0..<100).map { "r\($0)" })
        #expect(batch.timestamps.map(\.milliseconds) == [-1] + (0..<100).map(Int64.init))
    }

    @Test("An appender on a shared batch copies first: the other copy is unchanged")
    func copyOnWrite() {
        var original = Batch([1, 2, 3])
        let copy = original
        original.withAppender { $0.append(4) }
        #expect(Array(original.records) == [1, 2, 3, 4])
        #expect(Array(copy.records) == [1, 2, 3])
        var cleared = copy
        cleared.removeAll()
        #expect(cleared.isEmpty && copy.count == 3)
    }

    @Test("A column view outlives changes to its batch")
    func columnSnapshot() {
        var batch = Batch(["a", "b"])
        let view = batch.records
        batch.removeAll()
        batch.append("z")
        #expect(Array(view) == ["a", "b"])
        #expect(Array(batch.records) == ["z"])
    }

    final class Tracked {
        static let lock = NSLockLike()
        nonisolated(unsafe) static var alive = 0
        init() { Self.lock.run { Self.alive += 1 } }
        deinit { Self.lock.run { Self.alive -= 1 } }
    }

    @Test("Records are released when removed, when the batch dies and after growth")
    func lifetimes() {
        let before = Tracked.lock.run { Tracked.alive }
        do {
            var batch = Batch<Tracked>(capacity: 1)
            batch.withAppender { appender in for _ in 0..<50 { appender.append(Tracked()) } }
            #expect(Tracked.lock.run { Tracked.alive } == before + 50)
            batch.removeAll()
            #expect(Tracked.lock.run { Tracked.alive } == before)
            for _ in 0..<10 { batch.append(Tracked()) }
            #expect(Tracked.lock.run { Tracked.alive } == before + 10)
        }
        #expect(Tracked.lock.run { Tracked.alive } == before)
    }
}

/// A tiny lock for the lifetime counter (Tracked is used from one test at a time, but tests run in parallel).
final class NSLockLike: @unchecked Sendable {
    private var flag = pthread_mutex_t()
    init() { pthread_mutex_init(&flag, nil) }
    func run<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(&flag)
        defer { pthread_mutex_unlock(&flag) }
        return body()
    }
}

#if canImport(Glibc)
import Glibc
#endif
