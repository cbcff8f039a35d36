import FlowCore
import FlowOperators
import Testing

@Suite struct KeyedTests {
    @Test("equal when key and value are equal")
    func equality() {
        #expect(Keyed(key: "a", value: 1) == Keyed(key: "a", value: 1))
        #expect(Keyed(key: "a", value: 1) != Keyed(key: "a", value: 2))
        #expect(Keyed(key: "a", value: 1) != Keyed(key: "b", value: 1))
        #expect(Set([Keyed(key: 1, value: "x"), Keyed(key: 1, value: "x"), Keyed(key: 2, value: "x")]).count == 2)
    }

    @Test("description is (key, value)")
    func description() {
        #expect(Keyed(key: "word", value: 3).description == "(word, 3)")
        #expect(Keyed(key: 7, value: 2.5).description == "(7, 2.5)")
    }
}

@Suite("Keyed: a keyed result's size")
struct KeyedByteSizeTests {
    @Test("A keyed result of sized parts counts its key's and value's heap bytes once each")
    func sizes() {
        let small = Keyed(key: 7, value: 1.5)
        #expect(small.byteSize == MemoryLayout<Keyed<Int, Double>>.stride)
        #expect(Keyed<Int, Double>.hasFixedByteSize)
        let large = Keyed(key: String(repeating: "k", count: 100), value: 3)
        #expect(large.byteSize == MemoryLayout<Keyed<String, Int>>.stride + 100 + 32)
        #expect(!Keyed<String, Int>.hasFixedByteSize)
        #expect(RecordMeter<Keyed<String, Int>>().fixedSize == nil)
    }
}
