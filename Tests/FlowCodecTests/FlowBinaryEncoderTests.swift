import FlowCodec
import FlowCore
import Testing

// MARK: Codable fixtures (synthesized conformances unless noted)

struct Address: Codable, Equatable, Sendable {
    var street: String
    var zip: Int32?
    var location: [Double]
}

enum Payment: Codable, Equatable, Sendable {
    case cash
    case card(number: String, expires: Int16)
    case voucher(String, Int?)
    case split([Payment])
    case none
}

enum Tier: String, Codable, Sendable {
    case bronze, silver, gold
}

struct Customer: Codable, Equatable, Sendable {
    var id: UInt64
    var name: String
    var nickname: String?
    var address: Address
    var previousAddress: Address?
    var payments: [Payment]
    var scores: [String: Int]
    var addressesByCode: [Int: Address]
    var notes: [String?]
    var tags: Set<String>
    var tier: Tier
    var lastPayment: Payment?
    var maybeMaybe: Int??
    var ratio: Double
    var active: Bool

    static let full = Customer(
        id: .max, name: "Ada Lovelace", nickname: "ada",
        address: Address(street: "12 St James's Sq", zip: 1_815, location: [51.5, -0.13]),
        previousAddress: Address(street: "Ockham", zip: nil, location: []),
        payments: [.cash, .card(number: "4111", expires: 2_612), .voucher("GIFT", nil), .split([.cash, .voucher("X", 5)]), .none],
        scores: ["math": 100, "poetry": -3], addressesByCode: [7: Address(street: "Seven", zip: 7, location: [7])],
        notes: ["first", nil, ""], tags: ["vip", "early"], tier: .gold, lastPayment: .card(number: "1", expires: 1),
        maybeMaybe: .some(nil), ratio: -0.0, active: true
    )

    static let sparse = Customer(
        id: 0, name: "", nickname: nil, address: Address(street: "", zip: nil, location: []), previousAddress: nil,
        payments: [], scores: [:], addressesByCode: [:], notes: [], tags: [], tier: .bronze, lastPayment: nil,
        maybeMaybe: nil, ratio: .infinity, active: false
    )
}

/// A generic wrapper: with `T` an optional, `nil` goes through Optional's own single-value coding.
struct Box<T: Codable & Equatable & Sendable>: Codable, Equatable, Sendable {
    var value: T
}

/// A hand-written conformance that uses nested keyed and unkeyed containers and a super-encoder.
struct Polygon: Codable, Equatable, Sendable {
    var name: String
    var points: [(x: Int, y: Int)]
    var origin: Address

    enum CodingKeys: String, CodingKey { case name, points, meta, base }
    enum MetaKeys: String, CodingKey { case count }

    init(name: String, points: [(x: Int, y: Int)], origin: Address) {
        self.name = name
        self.points = points
        self.origin = origin
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        var meta = container.nestedContainer(keyedBy: MetaKeys.self, forKey: .meta)
        try meta.encode(points.count, forKey: .count)
        var list = container.nestedUnkeyedContainer(forKey: .points)
        for point in points {
            var pair = list.nestedUnkeyedContainer()
            try pair.encode(point.x)
            try pair.encode(point.y)
        }
        try origin.encode(to: container.superEncoder(forKey: .base))
        try container.encodeNil(forKey: .meta)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        let meta = try container.nestedContainer(keyedBy: MetaKeys.self, forKey: .meta)
        let count = try meta.decode(Int.self, forKey: .count)
        var list = try container.nestedUnkeyedContainer(forKey: .points)
        guard list.count == count else {
            throw DecodingError.dataCorruptedError(in: list, debugDescription: "point count mismatch")
        }
        points = []
        while !list.isAtEnd {
            var pair = try list.nestedUnkeyedContainer()
            points.append((try pair.decode(Int.self), try pair.decode(Int.self)))
        }
        origin = try Address(from: container.superDecoder(forKey: .base))
        guard try container.decodeNil(forKey: .meta) else {
            throw DecodingError.dataCorruptedError(forKey: .meta, in: container, debugDescription: "expected nil")
        }
    }

    static func == (lhs: Polygon, rhs: Polygon) -> Bool {
        lhs.name == rhs.name && lhs.origin == rhs.origin
            && lhs.points.map { [$0.x, $0.y] } == rhs.points.map { [$0.x, $0.y] }
    }
}

/// Encodes `value` with FlowBinaryEncoder and decodes it back with FlowBinaryDecoder.
func codableRoundTrip<T: Codable>(_ value: T) throws -> T {
    try FlowBinaryDecoder().decode(T.self, from: FlowBinaryEncoder().encode(value))
}

@Suite struct FlowBinaryEncoderTests {
    @Test func structWithNestedStructsEnumsOptionalsArraysAndDictionariesRoundTrips() throws {
        #expect(try codableRoundTrip(Customer.full) == Customer.full)
        let sparse = try codableRoundTrip(Customer.sparse)
        #expect(sparse == Customer.sparse)
        #expect(sparse.maybeMaybe == nil && sparse.nickname == nil && sparse.lastPayment == nil)
        #expect(try codableRoundTrip([Customer.full, Customer.sparse]) == [Customer.full, Customer.sparse])
    }

    @Test func nestedOptionalsKeepSomeNil() throws {
        let decoded = try codableRoundTrip(Customer.full)
        #expect(decoded.maybeMaybe == .some(nil))
        var other = Customer.full
        other.maybeMaybe = .some(.some(3))
        #expect(try codableRoundTrip(other).maybeMaybe == .some(.some(3)))
    }

    @Test func enumsWithAssociatedValuesRoundTrip() throws {
        let payments: [Payment] = [
            .cash, .none, .card(number: "", expires: .min), .voucher("v", .max), .voucher("", nil), .split([]),
            .split([.split([.cash])]),
        ]
        for payment in payments { #expect(try codableRoundTrip(payment) == payment) }
        #expect(try codableRoundTrip(payments) == payments)
    }

    @Test func genericOptionalsUseOptionalsOwnCoding() throws {
        let some = Box<Address?>(value: Address(street: "x", zip: 0, location: [0]))
        let none = Box<Address?>(value: nil)
        #expect(try codableRoundTrip(some) == some)
        #expect(try codableRoundTrip(none) == none)
        let nested = Box<Address??>(value: .some(nil))
        #expect(try codableRoundTrip(nested) == nested)
        let list = [Address?.none, Address(street: "y", zip: nil, location: [])]
        #expect(try codableRoundTrip(list) == list)
        let zero = Box<Int?>(value: 0)
        #expect(try codableRoundTrip(zero) == zero, "an Int of 0 starts with a 0 byte but is not nil")
    }

    @Test func handWrittenNestedContainersAndSuperEncoderRoundTrip() throws {
        let polygon = Polygon(
            name: "tri", points: [(0, 0), (4, 0), (0, -3)], origin: Address(street: "o", zip: 1, location: [])
        )
        #expect(try codableRoundTrip(polygon) == polygon)
        let empty = Polygon(name: "", points: [], origin: Address(street: "", zip: nil, location: []))
        #expect(try codableRoundTrip(empty) == empty)
    }

    @Test func topLevelPrimitivesAndCollectionsRoundTrip() throws {
        #expect(try codableRoundTrip(Int64.min) == .min)
        #expect(try codableRoundTrip("ünïcödé 🎉") == "ünïcödé 🎉")
        #expect(try codableRoundTrip([UInt8]()) == [])
        #expect(try codableRoundTrip([Tier.gold: [1, 2]]) == [.gold: [1, 2]])
        #expect(try codableRoundTrip(Set([1.5, 2.5])) == Set([1.5, 2.5]))
        #expect(try codableRoundTrip(Double.nan).isNaN)
    }

    @Test func structLayoutMatchesTheDocumentedFormat() throws {
        struct P: Codable { var id: Int32; var name: String?; var tags: [String] }
        let bytes = try FlowBinaryEncoder().encode(P(id: 1, name: nil, tags: ["a"]))
        #expect(bytes == [1, 1, 0, 0, 0, 0, 1, 1, 1, 0x61])
    }

    @Test func enumLayoutWritesTheCaseNameOnce() throws {
        enum Shape: Codable { case circle(radius: Double) }
        let bytes = try FlowBinaryEncoder().encode(Shape.circle(radius: 2))
        #expect(bytes == [1, 6] + Array("circle".utf8) + [1] + 2.0.encoded())
    }

    @Test func unkeyedContainersStartWithTheirCount() throws {
        // Set<Int16> is not FlowCodable: it is an unkeyed container of slots.
        let bytes = try FlowBinaryEncoder().encode(Set([Int16(5)]))
        #expect(bytes == [1, 1, 5, 0])
        // A dictionary with non-FlowCodable values: alternating key and value slots.
        let dictionary = try FlowBinaryEncoder().encode(["k": Tier.gold])
        #expect(dictionary == [2, 1, 1, 0x6B, 1, 1, 4] + Array("gold".utf8))
    }

    @Test func userInfoReachesEncodeAndDecode() throws {
        struct Scaled: Codable, Equatable {
            static let key = CodingUserInfoKey(rawValue: "scale")!
            var value: Int
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(value * (encoder.userInfo[Self.key] as? Int ?? 1))
            }
            init(value: Int) { self.value = value }
            init(from decoder: any Decoder) throws {
                value = try decoder.singleValueContainer().decode(Int.self) / (decoder.userInfo[Self.key] as? Int ?? 1)
            }
        }
        let bytes = try FlowBinaryEncoder(userInfo: [Scaled.key: 10]).encode(Scaled(value: 4))
        #expect(bytes == [1] + 40.encoded())
        #expect(try FlowBinaryDecoder(userInfo: [Scaled.key: 10]).decode(Scaled.self, from: bytes) == Scaled(value: 4))
    }

    @Test func errorsThrownByEncodeBecomeFlowErrors() {
        struct Refuses: Encodable {
            func encode(to encoder: any Encoder) throws {
                throw EncodingError.invalidValue(0, .init(codingPath: [], debugDescription: "no thanks"))
            }
        }
        let error = #expect(throws: FlowError.self) { _ = try FlowBinaryEncoder().encode([Refuses()]) }
        #expect(error?.code == .userFunctionFailed)
        #expect(error?.message.contains("Array<Refuses>") == true)
        #expect(error?.underlying is EncodingError)
        let description = error?.description ?? ""
        #expect(description.ranges(of: "no thanks").count == 1, "the cause once in: \(description)")
    }
}
