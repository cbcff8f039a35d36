@testable import FlowCodec
import FlowCore
import Testing

/// Encodes `value`, decodes it back, and returns the result.
func roundTrip<Value: FlowCodable>(_ value: Value) throws -> Value {
    try Value(decoding: value.encoded())
}

/// A composite value with a hand-written FlowCodable conformance.
struct Order: FlowCodable, Equatable {
    var id: Int64
    var customer: String
    var lines: [Line]
    var note: String?
    var totals: [String: Double]
    var time: EventTime

    struct Line: FlowCodable, Equatable {
        var sku: UInt32
        var quantity: Int16
        var price: Double

        func encode(to writer: inout BinaryWriter) {
            sku.encode(to: &writer)
            quantity.encode(to: &writer)
            price.encode(to: &writer)
        }

        init(sku: UInt32, quantity: Int16, price: Double) {
            self.sku = sku
            self.quantity = quantity
            self.price = price
        }

        init(from reader: inout BinaryReader) throws {
            sku = try UInt32(from: &reader)
            quantity = try Int16(from: &reader)
            price = try Double(from: &reader)
        }
    }

    init(id: Int64, customer: String, lines: [Line], note: String?, totals: [String: Double], time: EventTime) {
        self.id = id
        self.customer = customer
        self.lines = lines
        self.note = note
        self.totals = totals
        self.time = time
    }

    func encode(to writer: inout BinaryWriter) {
        id.encode(to: &writer)
        customer.encode(to: &writer)
        lines.encode(to: &writer)
        note.encode(to: &writer)
        totals.encode(to: &writer)
        time.encode(to: &writer)
    }

    init(from reader: inout BinaryReader) throws {
        id = try Int64(from: &reader)
        customer = try String(from: &reader)
        lines = try [Line](from: &reader)
        note = try String?(from: &reader)
        totals = try [String: Double](from: &reader)
        time = try EventTime(from: &reader)
    }

    static let sample = Order(
        id: 42, customer: "Zoë 🛒",
        lines: [Line(sku: 7, quantity: -2, price: 9.5), Line(sku: .max, quantity: 1, price: -0.0)],
        note: "leave at door", totals: ["net": 19.0, "tax": 3.61], time: EventTime(milliseconds: 1_700_000_000_000)
    )
}

@Suite struct FlowCodableTests {
    // MARK: Round trips

    @Test func integersRoundTripAtTheirEdges() throws {
        for value: Int8 in [.min, -1, 0, 1, .max] { #expect(try roundTrip(value) == value) }
        for value: Int16 in [.min, -1, 0, 1, .max] { #expect(try roundTrip(value) == value) }
        for value: Int32 in [.min, -1, 0, 1, .max] { #expect(try roundTrip(value) == value) }
        for value: Int64 in [.min, -1, 0, 1, .max] { #expect(try roundTrip(value) == value) }
        for value: Int in [.min, -1, 0, 1, .max] { #expect(try roundTrip(value) == value) }
        for value: Int128 in [.min, -1, 0, 1, .max] { #expect(try roundTrip(value) == value) }
        for value: UInt8 in [0, 1, .max] { #expect(try roundTrip(value) == value) }
        for value: UInt16 in [0, 1, .max] { #expect(try roundTrip(value) == value) }
        for value: UInt32 in [0, 1, .max] { #expect(try roundTrip(value) == value) }
        for value: UInt64 in [0, 1, .max] { #expect(try roundTrip(value) == value) }
        for value: UInt in [0, 1, .max] { #expect(try roundTrip(value) == value) }
        for value: UInt128 in [0, 1, .max] { #expect(try roundTrip(value) == value) }
    }

    @Test func floatingPointRoundTripsBitForBit() throws {
        let doubles: [Double] = [
            0, -0.0, 1, -1, .pi, .infinity, -.infinity, .nan, -.nan, .signalingNaN,
            Double(nan: 0x1234, signaling: false), .leastNonzeroMagnitude, .greatestFiniteMagnitude, .ulpOfOne,
        ]
        for value in doubles { #expect(try roundTrip(value).bitPattern == value.bitPattern) }
        let floats: [Float] = [0, -0.0, 1, .infinity, -.infinity, .nan, .signalingNaN, .leastNormalMagnitude]
        for value in floats { #expect(try roundTrip(value).bitPattern == value.bitPattern) }
        let array = try roundTrip(doubles)
        #expect(array.map(\.bitPattern) == doubles.map(\.bitPattern))
    }

    @Test func boolsAndStringsRoundTrip() throws {
        #expect(try roundTrip(true) == true)
        #expect(try roundTrip(false) == false)
        for value in ["", "a", "héllo", "日本語テキスト", "👩‍👩‍👧‍👦🏳️‍🌈", "nul\u{0}byte", String(repeating: "x", count: 70_000)] {
            #expect(try roundTrip(value) == value)
        }
    }

    @Test func optionalsRoundTripIncludingNestedNil() throws {
        #expect(try roundTrip(Int?.none) == nil)
        #expect(try roundTrip(Int?.some(5)) == 5)
        let values: [Int??] = [.none, .some(.none), .some(.some(0)), .some(.some(-7))]
        for value in values { #expect(try roundTrip(value) == value) }
        #expect(try roundTrip(String?.some("")) == "")
    }

    @Test func arraysRoundTrip() throws {
        #expect(try roundTrip([Int64]()) == [])
        #expect(try roundTrip([String]()) == [])
        #expect(try roundTrip([true, false, true]) == [true, false, true])
        #expect(try roundTrip(["a", "", "ü"]) == ["a", "", "ü"])
        #expect(try roundTrip([[1, 2], [], [3]] as [[Int32]]) == [[1, 2], [], [3]])
        #expect(try roundTrip([nil, 1, nil] as [UInt8?]) == [nil, 1, nil])
        #expect(try roundTrip([Int8.min, 0, .max]) == [Int8.min, 0, .max])
    }

    @Test func hundredThousandInt64sTakeTheBulkPathAndMatchTheElementwiseBytes() throws {
        #expect(Int64.isBulkCopyable)
        #expect(!((Bool.self as Any.Type) is any FixedWidthFlowCodable.Type), "Bool must not take the bulk path")
        let values = (0..<100_000).map { Int64($0) &* Int64(bitPattern: 0x9E37_79B9_7F4A_7C15) }
        let bytes = values.encoded()
        var elementwise = BinaryWriter(capacity: bytes.count)
        elementwise.writeVarint(UInt64(values.count))
        for value in values { elementwise.write(value) }
        #expect(bytes == elementwise.bytes)
        #expect(bytes.count == 3 + 800_000)
        #expect(try [Int64](decoding: bytes) == values)
    }

    @Test func dictionariesRoundTrip() throws {
        #expect(try roundTrip([String: Int]()) == [:])
        let scores = ["ann": 3, "bob": -1, "ĉe": .max]
        #expect(try roundTrip(scores) == scores)
        let nested: [Int32: [String?]] = [1: ["x", nil], -5: []]
        #expect(try roundTrip(nested) == nested)
    }

    @Test func flowCoreTypesRoundTrip() throws {
        for time in [EventTime.unassigned, .maximum, EventTime(milliseconds: 0), EventTime(milliseconds: -5)] {
            #expect(try roundTrip(time) == time)
            #expect(try roundTrip(Watermark(time)) == Watermark(time))
        }
        for group in [KeyGroup(0), KeyGroup(127), KeyGroup(32_767)] { #expect(try roundTrip(group) == group) }
        let times = (0..<1_000).map { EventTime(milliseconds: Int64($0) * 1_000) }
        #expect(try roundTrip(times) == times)
        #expect(EventTime.isBulkCopyable && Watermark.isBulkCopyable && KeyGroup.isBulkCopyable)
    }

    @Test func compositeValueRoundTrips() throws {
        #expect(try roundTrip(Order.sample) == Order.sample)
        #expect(try roundTrip([Order.sample, Order.sample]) == [Order.sample, Order.sample])
    }

    // MARK: Exact layouts

    @Test func fixedWidthLayouts() {
        #expect(Int32(1).encoded() == [1, 0, 0, 0])
        #expect(Int(1).encoded() == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(UInt16(0xABCD).encoded() == [0xCD, 0xAB])
        #expect(Int64(-1).encoded() == [UInt8](repeating: 0xFF, count: 8))
        #expect(Double(1).encoded() == [0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        #expect(Float(-2).encoded() == [0, 0, 0, 0xC0])
        #expect(true.encoded() == [1])
        #expect(EventTime(milliseconds: 258).encoded() == [2, 1, 0, 0, 0, 0, 0, 0])
        #expect(KeyGroup(3).encoded() == [3, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func variableLengthLayouts() {
        #expect("hé".encoded() == [3, 0x68, 0xC3, 0xA9])
        #expect("".encoded() == [0])
        #expect(Int16?.none.encoded() == [0])
        #expect(Int16?.some(2).encoded() == [1, 2, 0])
        #expect(Int??.some(nil).encoded() == [1, 0])
        #expect([UInt8](repeating: 1, count: 300).encoded().prefix(3) == [0xAC, 0x02, 1])
        #expect([Int16(1), 2].encoded() == [2, 1, 0, 2, 0])
        #expect(["a": true].encoded() == [1, 1, 0x61, 1])
    }

    // MARK: Bad input

    @Test func everyStrictPrefixOfACompositeValueIsMalformed() {
        let bytes = Order.sample.encoded()
        for length in 0..<bytes.count {
            expectMalformed("Order") { _ = try Order(decoding: Array(bytes.prefix(length))) }
        }
    }

    @Test func trailingBytesAreMalformed() {
        expectMalformed("2 trailing bytes after Int32") { _ = try Int32(decoding: [1, 0, 0, 0, 9, 9]) }
        expectMalformed("1 trailing bytes after Order") { _ = try Order(decoding: Order.sample.encoded() + [0]) }
    }

    @Test func invalidPresenceBytesAreMalformed() {
        expectMalformed("Optional<Int16>", "presence byte 2") { _ = try Int16?(decoding: [2, 0, 0]) }
    }

    @Test func invalidBoolAndUTF8InsideCompositesAreMalformed() {
        expectMalformed("Array<Bool>", "Bool", "byte 2") { _ = try [Bool](decoding: [2, 1, 2]) }
        expectMalformed("Array<String>", "not valid UTF-8") { _ = try [String](decoding: [1, 2, 0xC3, 0x28]) }
    }

    @Test func hugeCountsThrowBeforeAllocating() {
        var writer = BinaryWriter()
        writer.writeVarint(1 << 40)
        writer.write(Int64(1))
        let bytes = writer.bytes
        expectMalformed("Array<Int64>", "count 1099511627776", "at least 8796093022208 bytes") {
            _ = try [Int64](decoding: bytes)
        }
        expectMalformed("Array<String>", "count 1099511627776") { _ = try [String](decoding: bytes) }
        expectMalformed("Dictionary<String, Int>", "count 1099511627776") { _ = try [String: Int](decoding: bytes) }
        var overflowing = BinaryWriter()
        overflowing.writeVarint(.max)
        expectMalformed("Array<Double>", "more than 2^64 bytes") { _ = try [Double](decoding: overflowing.bytes) }
    }

    @Test func duplicateDictionaryKeysAreMalformed() {
        let bytes: [UInt8] = [2, 1, 0x61, 1, 1, 0x61, 0]
        expectMalformed("Dictionary<String, Bool>", "appears twice") { _ = try [String: Bool](decoding: bytes) }
    }

    @Test func intOutsideThisPlatformsRangeIsMalformedOnlyOn32BitHosts() throws {
        let big = Int64.max.encoded()
        #if _pointerBitWidth(_64)
        #expect(try Int(decoding: big) == .max)
        #else
        expectMalformed("Int") { _ = try Int(decoding: big) }
        #endif
    }
}
