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
