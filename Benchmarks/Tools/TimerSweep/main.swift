// 10M event-time timers over 1M keys registered in one TimerService, then fired by one watermark
// sweep in bounded steps: registration and firing rates, the process's peak resident memory, and
// the longest step (how long a barrier posted during the sweep would wait for the loop).
//
//   swift run -c release TimerSweep [timers] [keys] [timers per step]
//
// Prints one line per phase. PeakResident.swift is a symlink to BigRecords'.
import Flow

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let timers = arguments.count > 0 ? arguments[0] : 10_000_000
let keys = arguments.count > 1 ? arguments[1] : 1_000_000
let step = arguments.count > 2 ? arguments[2] : 4096
let maxParallelism = KeyGroup.defaultMaxParallelism

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

// Key i's timers are at times spread over 0..<timers, in an order that is not sorted.
let keyGroups = (0..<keys).map { KeyGroup(of: $0, maxParallelism: maxParallelism).index }
var service = TimerService<Int, EmptyNamespace>(keyGroups: KeyGroupRange(lowerBound: 0, upperBound: maxParallelism),
                                                 maxParallelism: maxParallelism)
let before = peakResidentMiB()
let clock = ContinuousClock()
let registration = clock.measure {
    for n in 0..<timers {
        let key = n % keys
        let time = Int64((UInt64(n) &* 0x9E37_79B9_7F4A_7C15) % UInt64(timers))
        service.registerEventTimeTimer(key: key, namespace: EmptyNamespace(), keyGroup: keyGroups[key], at: time)
    }
}
let registered = service.eventTimerCount
print("registered \(registered) timers over \(keys) keys in \(String(format: "%.2f", seconds(registration))) s: "
      + "\(Int(Double(timers) / seconds(registration))) timers/s; peak resident \(Int(peakResidentMiB())) MiB (before \(Int(before)))")

var fired = 0
var steps = 0
var longest = Duration.zero
var last = Int64.min
let sweep = clock.measure {
    while true {
        var inStep = 0
        let start = clock.now
        while inStep < step, let timer = service.popEventTimer(atOrBefore: .max) {
            precondition(timer.time >= last, "timers fired out of order")
            last = timer.time
            inStep += 1
        }
        let took = clock.now - start
        if took > longest { longest = took }
        fired += inStep
        steps += 1
        if inStep < step { break }
    }
}
precondition(fired == registered && service.eventTimerCount == 0, "fired \(fired) of \(registered)")
print("fired \(fired) timers in \(steps) steps of \(step) in \(String(format: "%.2f", seconds(sweep))) s: "
      + "\(Int(Double(fired) / seconds(sweep))) timers/s; longest step \(String(format: "%.3f", seconds(longest) * 1000)) ms; "
      + "peak resident \(Int(peakResidentMiB())) MiB")
