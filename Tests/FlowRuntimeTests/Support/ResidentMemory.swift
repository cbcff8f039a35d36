#if canImport(Glibc)
import FlowCore
import Glibc
#endif
import Synchronization

/// This process's resident memory now, in bytes (the second field of /proc/self/statm, in pages).
func residentBytes() -> Int {
    let file = open("/proc/self/statm", O_RDONLY)
    guard file >= 0 else { return 0 }
    defer { close(file) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let count = buffer.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
    guard count > 0 else { return 0 }
    let fields = buffer[..<count].split(separator: UInt8(ascii: " "))
    guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Samples the resident memory on a thread of its own every millisecond until stopped, keeping
/// the largest value: the peak while something runs.
final class ResidentMemoryPeak: Sendable {
    private let peak = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let thread: FlowMutex<Thread?> = FlowMutex(nil)
    /// Resident memory when sampling started.
    let baseline: Int

    init() {
        baseline = residentBytes()
        peak.store(baseline, ordering: .relaxed)
        let sampler = Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                let now = residentBytes()
                if now > peak.load(ordering: .relaxed) { peak.store(now, ordering: .relaxed) }
                usleep(1000)
            }
        }
        thread.withLock { $0 = sampler }
    }

    /// Stops sampling and returns the peak resident memory above the baseline, in bytes.
    func stop() async -> Int {
        stopped.store(true, ordering: .relaxed)
        let sampler = thread.withLock { $0 }
        await sampler?.finished()
        return Swift.max(0, peak.load(ordering: .relaxed) - baseline)
    }
}
