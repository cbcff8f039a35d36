import Testing

/// Tests that assert how soon something runs on Swift's cooperative pool (two threads on a
/// two-core machine). They run one at a time, so that one of them — the actor-backend control
/// case, which holds every pool thread on purpose — cannot delay another's measurement.
@Suite("Timing on the cooperative pool", .serialized)
struct PoolTimingTests {}
