import FlowOperators
import Testing

@Suite struct KeyByTests {
    private struct Bid: Sendable {
        var auction: String
        var price: Int
    }

    @Test("a closure key selector and a key-path key selector select the same key")
    func selectors() throws {
        let bid = Bid(auction: "lot-9", price: 3)
        #expect(try KeyBy { (bid: Bid) in bid.auction }.key(bid) == "lot-9")
        #expect(try KeyBy(\Bid.auction).key(bid) == "lot-9")
        #expect(try KeyBy(\Bid.price).key(bid) == 3)
    }

    @Test("the stage has kind KeyBy and takes modifiers")
    func attributes() {
        let stage = KeyBy(\Bid.auction).name("by auction")
        #expect(stage.attributes.kind == "KeyBy")
        #expect(stage.attributes.displayName == "by auction")
    }
}
