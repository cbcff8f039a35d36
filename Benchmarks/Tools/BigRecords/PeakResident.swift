#if canImport(Glibc)
import Glibc
#endif

/// The process's peak resident memory so far, in MiB (getrusage's `ru_maxrss`).
func peakResidentMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
}
