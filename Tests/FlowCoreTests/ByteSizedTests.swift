import FlowCore
import Testing

@Suite("ByteSized: what a record says it holds")
struct ByteSizedTests {
    @Test("A string is its inline 16 bytes, plus its UTF-8 bytes and a buffer header when it does not fit inline")
    func strings() {
        #expect("".byteSize == 16)
        #expect(String(repeating: "a", count: 15).byteSize == 16)
        #expect(String(repeating: "a", count: 16).byteSize == 16 + 16 + 32)
        #expect(String(repeating: "é", count: 1000).byteSize == 16 + 2000 + 32)
        #expect(String(repeating: "x", count: 1 << 20).byteSize == 16 + (1 << 20) + 32)
        #expect(String.hasFixedByteSize == false)
    }

    @Test("A substring counts the base string it keeps alive")
    func substrings() {
        let base = String(repeating: "b", count: 100)
        let slice = base.prefix(3)
        #expect(slice.byteSize == MemoryLayout<Substring>.stride + 100 + 32)
    }

    @Test("An array of fixed-size elements is count × stride plus header; of strings, the strings' sizes")
    func arrays() {
        #expect([Int]().byteSize == 8)
        #expect([Int](repeating: 1, count: 10).byteSize == 8 + 32 + 80)
        #expect([UInt8](repeating: 0, count: 4096).byteSize == 8 + 32 + 4096)
        let strings = [String(repeating: "s", count: 100), "t"]
        #expect(strings.byteSize == 8 + 32 + (16 + 100 + 32) + 16)
        #expect(ContiguousArray(strings).byteSize == strings.byteSize)
        #expect([[UInt8]](repeating: [UInt8](repeating: 0, count: 10), count: 3).byteSize == 8 + 32 + 3 * (8 + 32 + 10))
    }

    @Test("An optional is its value's size, nil its stride; fixed when the wrapped type is")
    func optionals() {
        let none: String? = nil
        #expect(none.byteSize == MemoryLayout<String?>.stride)
        #expect(Optional(String(repeating: "o", count: 64)).byteSize == 16 + 64 + 32)
        #expect(Optional<Int>.hasFixedByteSize)
        #expect(!Optional<String>.hasFixedByteSize)
    }

    @Test("Dictionaries and sets count their elements and a bucket each")
    func hashedCollections() {
        let dictionary = ["k": String(repeating: "v", count: 50)]
        #expect(dictionary.byteSize == 8 + 32 + 16 + (16 + 50 + 32) + dictionary.capacity * 8)
        let set: Set<Int> = [1, 2, 3]
        #expect(set.byteSize == 8 + 32 + 24 + set.capacity * 8)
        #expect([Int: Int]().byteSize == 8)
    }

    @Test("Numbers and Bool have a fixed size: their stride")
    func fixed() {
        #expect(Int.hasFixedByteSize && Double.hasFixedByteSize && Bool.hasFixedByteSize && UInt8.hasFixedByteSize)
        #expect(42.byteSize == 8 && Int32(1).byteSize == 4 && true.byteSize == 1)
    }

    @Test("prefix(of:fittingIn:) takes records while they fit, and always at least one")
    func prefix() {
        let records = [String(repeating: "a", count: 100), String(repeating: "b", count: 100), "c"]
        let each = 16 + 100 + 32
        records.withUnsafeBufferPointer { buffer in
            #expect(String.prefix(of: buffer, fittingIn: 2 * each) == (2, 2 * each))
            #expect(String.prefix(of: buffer, fittingIn: 2 * each + 16) == (3, 2 * each + 16))
            #expect(String.prefix(of: buffer, fittingIn: 10) == (1, each), "a record larger than the budget goes alone")
            #expect(String.byteSize(of: buffer) == 2 * each + 16)
        }
        [String]().withUnsafeBufferPointer { #expect(String.prefix(of: $0, fittingIn: 100) == (0, 0)) }
    }
}

@Suite("ByteSized: arrays measured a batch at a time")
struct ArrayBatchSizeTests {
    @Test("The batch functions of arrays agree with the records' own sizes")
    func agree() {
        let payloads: [[UInt8]] = (0..<20).map { [UInt8](repeating: 1, count: $0 * 100) }
        let texts: [[String]] = (0..<10).map { count in (0..<count).map { String(repeating: "t", count: $0 * 10) } }
        payloads.withUnsafeBufferPointer { buffer in
            #expect([UInt8].byteSize(of: buffer) == payloads.reduce(0) { $0 + $1.byteSize })
            let budget = payloads.prefix(5).reduce(0) { $0 + $1.byteSize }
            #expect([UInt8].prefix(of: buffer, fittingIn: budget) == (5, budget))
        }
        texts.withUnsafeBufferPointer { buffer in
            #expect([String].byteSize(of: buffer) == texts.reduce(0) { $0 + $1.byteSize })
            #expect([String].prefix(of: buffer, fittingIn: 1) == (1, texts[0].byteSize))
        }
    }
}
