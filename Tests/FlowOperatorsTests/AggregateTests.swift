import FlowCore
import FlowOperators
import Testing

@Suite struct AggregateTests {
    private struct Bid: Sendable {
        var auction: String
        var price: Int
    }

    @Test(".count is CountAggregate; the stage has kind Aggregate")
    func count() {
        let stage = Aggregate(.count)
        #expect(type(of: stage.function) == CountAggregate.self)
        #expect(stage.attributes.kind == "Aggregate")
    }

    @Test("the static helpers build the matching aggregate functions")
    func helpers() throws {
        let sum = Aggregate.sum { (bid: Bid) in bid.price }
        let minimum = Aggregate.min { (bid: Bid) in bid.price }
        let maximum = Aggregate.max { (bid: Bid) in bid.auction }
        let average = Aggregate.average { (bid: Bid) in Double(bid.price) }
        #expect(type(of: sum.function) == SumAggregate<Bid, Int>.self)
        #expect(type(of: minimum.function) == MinAggregate<Bid, Int>.self)
        #expect(type(of: maximum.function) == MaxAggregate<Bid, String>.self)
        #expect(type(of: average.function) == AverageAggregate<Bid>.self)

        let bids = [Bid(auction: "b", price: 4), Bid(auction: "c", price: 10), Bid(auction: "a", price: 1)]
        #expect(sum.function.result(of: try fold(sum.function, bids)) == 15)
        #expect(minimum.function.result(of: try fold(minimum.function, bids)) == 1)
        #expect(maximum.function.result(of: try fold(maximum.function, bids)) == "c")
        #expect(average.function.result(of: try fold(average.function, bids)) == 5)
    }

    @Test("modifiers set the stage's attributes")
    func modifiers() {
        let stage = Aggregate(.count).name("per word").uid("count-1").parallelism(4)
        #expect(stage.attributes.displayName == "per word")
        #expect(stage.attributes.uid == "count-1")
        #expect(stage.attributes.parallelism == 4)
    }
}
