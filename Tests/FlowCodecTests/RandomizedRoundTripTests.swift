import FlowCodec
import FlowCore
import Testing

/// A composite value that is both FlowCodable (through its fields) and Codable.
struct Sample: Codable, Sendable {
    var id: Int64
    var small: Int8
    var unsigned: UInt32
    var ratio: Double
    var label: String
    var maybe: Int?
    var maybeMaybe: Int16??
    var readings: [Float]
    var words: [String]
    var weights: [String: Double]
    var time: Int64
    var flag: Bool

    /// Whether `other` holds the same bits (doubles and floats compared by bit pattern, so NaNs match).
    func isIdentical(to other: Sample) -> Bool {
        id == other.id && small == other.small && unsigned == other.unsigned
            && ratio.bitPattern == other.ratio.bitPattern && label == other.label && maybe == other.maybe
            && maybeMaybe == other.maybeMaybe && readings.map(\.bitPattern) == other.readings.map(\.bitPattern)
            && words == other.words && weights.mapValues(\.bitPattern) == other.weights.mapValues(\.bitPattern)
            && time == other.time && flag == other.flag
    }

    static func random(using rng: inout SplitMix64) -> Sample {
        func string() -> String {
            let alphabet: [Character] = ["a", "z", "0", " ", "é", "ß", "中", "🎉", "\u{0}", "\n"]
            return String((0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
        }
        let maybeMaybe: Int16?? =
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: .none
            case 1: .some(nil)
            default: .some(Int16(truncatingIfNeeded: rng.next()))
            }
        return Sample(
            id: Int64(bitPattern: rng.next()),
            small: Int8(truncatingIfNeeded: rng.next()),
            unsigned: UInt32(truncatingIfNeeded: rng.next()),
            ratio: Double(bitPattern: rng.next()),
            label: string(),
            maybe: Bool.random(using: &rng) ? nil : Int(truncatingIfNeeded: rng.next()),
            maybeMaybe: maybeMaybe,
            readings: (0..<Int.random(in: 0...20, using: &rng)).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())) },
            words: (0..<Int.random(in: 0...5, using: &rng)).map { _ in string() },
            weights: Dictionary(
                (0..<Int.random(in: 0...4, using: &rng)).map { _ in (string(), Double(bitPattern: rng.next())) }, uniquingKeysWith: { a, _ in a }),
            time: Int64.random(in: -1_000_000...1_000_000, using: &rng),
            flag: Bool.random(using: &rng)
        )
    }
}

extension Sample: FlowCodable {
    func encode(to writer: inout BinaryWriter) {
        id.encode(to: &writer); small.encode(to: &writer); unsigned.encode(to: &writer)
        ratio.encode(to: &writer); label.encode(to: &writer); maybe.encode(to: &writer)
        maybeMaybe.encode(to: &writer); readings.encode(to: &writer); words.encode(to: &writer)
        weights.encode(to: &writer); EventTime(milliseconds: time).encode(to: &writer); flag.encode(to: &writer)
    }

    init(from reader: inout BinaryReader) throws {
        id = try Int64(from: &reader); small = try Int8(from: &reader); unsigned = try UInt32(from: &reader)
        ratio = try Double(from: &reader); label = try String(from: &reader); maybe = try Int?(from: &reader)
        maybeMaybe = try Int16??(from: &reader); readings = try [Float](from: &reader)
        words = try [String](from: &reader); weights = try [String: Double](from: &reader)
        time = try EventTime(from: &reader).milliseconds; flag = try Bool(from: &reader)
    }
}

@Suite struct RandomizedRoundTripTests {
    static let seed: UInt64 = 0x5EED_F10C_0DEC

    @Test func thousandRandomValuesRoundTripThroughBothCodecs() throws {
        var rng = SplitMix64(seed: Self.seed)
        var checked = 0
        for index in 0..<1_000 {
            let sample = Sample.random(using: &rng)
            let flow = try Sample(decoding: sample.encoded())
            #expect(flow.isIdentical(to: sample), "FlowCodable, seed \(Self.seed), value #\(index)")
            let codable = try FlowBinaryDecoder().decode(Sample.self, from: FlowBinaryEncoder().encode(sample))
            #expect(codable.isIdentical(to: sample), "FlowBinaryEncoder, seed \(Self.seed), value #\(index)")
            checked += 1
        }
        #expect(checked == 1_000)
    }

    @Test func randomArraysRoundTripAsOneValue() throws {
        var rng = SplitMix64(seed: Self.seed &+ 1)
        let samples = (0..<1_000).map { _ in Sample.random(using: &rng) }
        let decoded = try [Sample](decoding: samples.encoded())
        #expect(decoded.count == samples.count)
        #expect(zip(decoded, samples).allSatisfy { $0.isIdentical(to: $1) })
    }

    @Test func randomBytesNeverTrapTheDecoders() {
        var rng = SplitMix64(seed: Self.seed &+ 2)
        var rejected = 0
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            do { _ = try Sample(decoding: bytes) } catch let error as FlowError where error.code == .malformedData {
                rejected += 1
            } catch { Issue.record("unexpected error \(error)") }
            do { _ = try FlowBinaryDecoder().decode(Customer.self, from: bytes) } catch let error as FlowError where error.code == .malformedData {
                rejected += 1
            } catch { Issue.record("unexpected error \(error)") }
        }
        #expect(rejected > 3_900, "nearly all random inputs are rejected, and none traps")
    }
}
