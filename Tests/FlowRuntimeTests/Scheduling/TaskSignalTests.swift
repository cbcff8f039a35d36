import FlowRuntime
import Synchronization
import Testing

extension PoolTimingTests {
    @Suite struct TaskSignalTests {
        @Test("a notification before the wait is kept: the wait returns at once, the next one times out")
        func permit() {
            let signal = TaskSignal()
            signal.notify()
            signal.notify()  // permits do not add up
            let clock = ContinuousClock()
            let first = clock.measure { signal.wait(until: .now + .seconds(10)) }
            #expect(first < .seconds(1))
            let second = clock.measure { signal.wait(until: .now + .milliseconds(30)) }
            #expect(second >= .milliseconds(30))
            #expect(signal.wakeUps == 0)
        }

        @Test("notify from another thread wakes a blocked thread")
        func wakesBlockedThread() {
            let signal = TaskSignal()
            let woke = Flag()
            let waiter = Thread {
                signal.wait()
                woke.set()
            }
            // Notify until the waiter is parked and woken: the first notifications may land as permits.
            let deadline = ContinuousClock.now + .seconds(10)
            while !woke.isSet && ContinuousClock.now < deadline {
                signal.notify()
                usleepMicroseconds(200)
            }
            waiter.join()
            #expect(woke.isSet)
        }

        @Test("a parked thread is woken exactly by the notify that follows its park")
        func parkedThenWoken() {
            let signal = TaskSignal()
            let waiter = Thread { signal.wait() }
            // Give the waiter time to park (it blocks until notified; no deadline).
            usleepMicroseconds(50_000)
            signal.notify()
            waiter.join()
            #expect(signal.wakeUps == 1)
        }

        @Test("an untimed wait polls within its spin window: a notify then wakes nobody")
        func pollsBeforeParking() {
            let signal = TaskSignal(spinWindow: .seconds(30))
            let returned = Flag()
            let waiter = Thread {
                signal.wait()
                returned.set()
            }
            usleepMicroseconds(20_000)
            #expect(!returned.isSet)  // still waiting: nothing notified it
            signal.notify()
            waiter.join()
            #expect(returned.isSet)
            #expect(signal.wakeUps == 0)  // the waiter took the notification while polling
        }

        @Test("a wait that outlasts the spin window parks, and the next wait parks at once")
        func parksAfterALongWait() {
            let signal = TaskSignal(spinWindow: .milliseconds(200))
            let started = Flag()
            let firstReturned = Flag()
            let waiter = Thread {
                started.set()
                signal.wait()  // outlasts the window: polls 200 ms, then parks until the first notify
                firstReturned.set()
                signal.wait()  // the previous wait was long: parks at once
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while !started.isSet && ContinuousClock.now < deadline { usleepMicroseconds(1_000) }
            usleepMicroseconds(400_000)  // past the window: the waiter is parked
            signal.notify()
            while !firstReturned.isSet && ContinuousClock.now < deadline { usleepMicroseconds(1_000) }
            usleepMicroseconds(100_000)  // within the window: a polling waiter would take it without a wake-up
            signal.notify()
            waiter.join()
            #expect(signal.wakeUps == 2)
        }

        @Test("with a zero spin window every untimed wait parks")
        func zeroWindowParks() {
            let signal = TaskSignal(spinWindow: .zero)
            let waiter = Thread { signal.wait() }
            usleepMicroseconds(50_000)
            signal.notify()
            waiter.join()
            #expect(signal.wakeUps == 1)
        }

        @Test("waitAsync is resumed by a notify from another thread, and times out at its deadline")
        func async() async {
            let signal = TaskSignal()
            let notifier = Thread {
                usleepMicroseconds(20_000)
                signal.notify()
            }
            let clock = ContinuousClock()
            let woken = await clock.measure { await signal.waitAsync() }
            await notifier.finished()
            #expect(woken < .seconds(5))
            let timedOut = await clock.measure { await signal.waitAsync(until: .now + .milliseconds(20)) }
            #expect(timedOut >= .milliseconds(20))
        }
    }
}

/// A flag one thread sets and another reads.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
