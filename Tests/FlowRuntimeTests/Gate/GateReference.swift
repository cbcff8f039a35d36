import FlowCore
import FlowRuntime

/// What arrives on a channel in the gate's tests: a stream is these items, ending with `.end`.
enum GateItem: Hashable, CustomStringConvertible {
    case record(Int)
    case watermark(Int64)
    case status(WatermarkStatus)
    case barrier(Int64)
    case cancel(Int64)
    case end

    var description: String {
        switch self {
        case .record(let seq): "r\(seq)"
        case .watermark(let time): "w\(time)"
        case .status(let status): status == .idle ? "idle" : "active"
        case .barrier(let id): "b\(id)"
        case .cancel(let id): "c\(id)"
        case .end: "end"
        }
    }
}

/// What a gate's shell passes downstream in the gate's tests.
enum GateOutput: Hashable, CustomStringConvertible {
    case record(channel: Int, Int)
    case watermark(Int64)
    case status(WatermarkStatus)
    case barrier(Int64)
    case cancel(Int64)
    case finish

    var description: String {
        switch self {
        case .record(let channel, let seq): "\(channel):r\(seq)"
        case .watermark(let time): "w\(time)"
        case .status(let status): status == .idle ? "idle" : "active"
        case .barrier(let id): "b\(id)"
        case .cancel(let id): "c\(id)"
        case .finish: "finish"
        }
    }
}

/// The gate's rules written as plainly as possible, to check ``InputGateStateMachine`` against:
/// sets instead of counters, and the watermark recomputed from scratch after every event.
///
/// - The watermark counts the channels that are open, active and at or past the forwarded
///   watermark; it moves to their minimum when that is ahead. When every open channel is idle,
///   the highest open watermark (if ahead) and then idle go downstream; the first channel active
///   again sends active. A watermark on an idle channel is dropped.
/// - Barrier *n* goes downstream once every open channel has delivered it; a newer barrier
///   cancels the pending one; a cancel for the pending or a newer checkpoint goes once. In
///   exactly-once mode, a channel that delivered the pending barrier is not readable.
struct GateReference {
    let count: Int
    let exactlyOnce: Bool
    var watermarks: [Int64?]
    var idle: [Bool]
    var ended: Set<Int> = []
    var forwarded: Int64?
    var gateIdle = false
    var pending: (id: Int64, delivered: Set<Int>)?
    var latest = Int64.min
    var output: [GateOutput] = []

    init(count: Int, exactlyOnce: Bool) {
        self.count = count
        self.exactlyOnce = exactlyOnce
        watermarks = Array(repeating: nil, count: count)
        idle = Array(repeating: false, count: count)
    }

    func isReadable(_ channel: Int) -> Bool {
        if ended.contains(channel) { return false }
        if exactlyOnce, let pending, pending.delivered.contains(channel) { return false }
        return true
    }

    var open: [Int] { (0..<count).filter { !ended.contains($0) } }

    mutating func receive(_ item: GateItem, on channel: Int) {
        precondition(isReadable(channel), "the reference was fed from channel \(channel), which is not readable")
        switch item {
        case .record(let seq):
            output.append(.record(channel: channel, seq))
        case .watermark(let time):
            guard !idle[channel] else { return }
            watermarks[channel] = max(watermarks[channel] ?? .min, time)
            updateWatermark()
        case .status(let status):
            let wasIdle = idle[channel]
            idle[channel] = status == .idle
            if wasIdle, status == .active, gateIdle {
                gateIdle = false
                output.append(.status(.active))
            }
            updateWatermark()
        case .barrier(let id):
            if let current = pending {
                if id < current.id { return }
                if id > current.id {
                    output.append(.cancel(current.id))
                    latest = current.id
                    pending = (id, [channel])
                } else {
                    pending!.delivered.insert(channel)
                }
            } else {
                guard id > latest else { return }
                pending = (id, [channel])
            }
            completeIfAligned()
        case .cancel(let id):
            if let current = pending, id >= current.id {
                pending = nil
            } else if pending != nil || id <= latest {
                return
            }
            latest = id
            output.append(.cancel(id))
        case .end:
            ended.insert(channel)
            completeIfAligned()
            if ended.count == count {
                output.append(.finish)
            } else {
                updateWatermark()
            }
        }
    }

    private mutating func completeIfAligned() {
        guard let current = pending, open.allSatisfy(current.delivered.contains) else { return }
        output.append(.barrier(current.id))
        latest = current.id
        pending = nil
    }

    private mutating func updateWatermark() {
        let open = self.open
        if open.allSatisfy({ idle[$0] }) {
            guard !gateIdle else { return }
            gateIdle = true
            let highest = open.compactMap { watermarks[$0] }.max()
            if let highest, highest > (forwarded ?? .min) {
                forwarded = highest
                output.append(.watermark(highest))
            }
            output.append(.status(.idle))
            return
        }
        let counting = open.filter { !idle[$0] && (watermarks[$0] ?? .min) >= (forwarded ?? .min) }
        guard !counting.isEmpty else { return }
        let minimum = counting.map { watermarks[$0] ?? .min }.min()!
        if minimum > (forwarded ?? .min) {
            forwarded = minimum
            output.append(.watermark(minimum))
        }
    }
}
