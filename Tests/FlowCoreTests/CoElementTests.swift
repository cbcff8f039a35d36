import FlowCore
import Testing

@Suite struct CoElementTests {
    @Test("first and second give the record of their own side only")
    func accessors() {
        let first = CoElement<Int, String>.first(3)
        let second = CoElement<Int, String>.second("x")
        #expect(first.first == 3 && first.second == nil)
        #expect(second.second == "x" && second.first == nil)
        #expect([first, second, .first(4)].compactMap(\.first) == [3, 4])
    }

    @Test("equality and hashing include the side: .first(1) differs from .second(1)")
    func equalityIncludesSide() {
        let elements: Set<CoElement<Int, Int>> = [.first(1), .second(1), .first(1)]
        #expect(elements.count == 2)
        #expect(CoElement<Int, Int>.first(1) != .second(1))
        #expect(CoElement<Int, Int>.second(2) == .second(2))
    }

    @Test("the description names the side and the record (what failures print)")
    func description() {
        #expect(CoElement<Int, String>.first(42).description == "first(42)")
        #expect(CoElement<Int, String>.second("rule").description == "second(rule)")
        #expect(FlowError.describe(CoElement<Int, String>.second("rule")) == "second(rule)")
    }
}
