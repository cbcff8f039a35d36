import Flow
import FlowTesting
import Testing

@Suite("Fluent API")
struct JobGraphTests {
    @Test("Closures infer their types; a branch feeds two sinks")
    func branches() async throws {
        let hot = CollectedRecords<Reading>()
        let totals = CollectedRecords<Keyed<Int, Int>>()
        let job = try Job.graph("branches") { graph in
            let all = graph.source(Source(readings(40, sensors: 4)))
            all.filter { $0.value > 30 }.sink(.collect(into: hot))
            all.keyBy { $0.sensor }.sum { $0.value }.sink(.collect(into: totals))
        }
        try await job.run()
        #expect(hot.records == readings(40, sensors: 4).filter { $0.value > 30 })
        let expected = Dictionary(grouping: readings(40, sensors: 4), by: \.sensor).mapValues { $0.reduce(0) { $0 + $1.value } }
        #expect(lastValues(totals.records) == expected)
    }

    @Test("union merges streams; reduce runs per key")
    func unionAndReduce() async throws {
        let out = CollectedRecords<Reading>()
        let job = try Job.graph("union") { graph in
            let first = graph.source(Source([Reading(sensor: 1, value: 1), Reading(sensor: 2, value: 3), Reading(sensor: 1, value: 5)]))
            let second = graph.source(Source([Reading(sensor: 2, value: 2), Reading(sensor: 1, value: 4)])).map {
                Reading(sensor: $0.sensor, value: $0.value * 10)
            }
            first.union(second).keyBy { $0.sensor }.reduce { Reading(sensor: $0.sensor, value: $0.value + $1.value) }
                .sink(.collect(into: out))
        }
        try await job.run()
        let bySensor = Dictionary(grouping: out.records, by: \.sensor).mapValues { $0.map(\.value) }
        // Per key, outputs are running sums, so they only grow, and the last is the key's total.
        #expect(bySensor[1]?.last == 1 + 5 + 40)
        #expect(bySensor[2]?.last == 3 + 20)
        #expect(bySensor.values.allSatisfy { $0 == $0.sorted() })
        #expect(out.records.count == 5)
    }

    @Test("fused { } composes stages into one static chain")
    func fusedBlock() async throws {
        let out = CollectedRecords<Int>()
        let job = try Job.graph("fused") { graph in
            graph.source(Source(Array(0..<100)))
                .fused {
                    Map { (x: Int) in x * 3 }
                    Filter { (x: Int) in x % 2 == 0 }
                    Map { (x: Int) in x + 1 }
                }
                .sink(.collect(into: out))
        }
        try await job.run()
        #expect(out.records == (0..<100).map { $0 * 3 }.filter { $0 % 2 == 0 }.map { $0 + 1 })
        #expect(job.plan.tasks.count == 1)
        #expect(job.plan.tasks[0].pieces.count == 1 && job.plan.tasks[0].pieces[0].isStaticChain)
    }

    @Test("Stages added one by one fuse into one task, batch by batch")
    func fluentFusion() async throws {
        let out = CollectedRecords<String>()
        let job = try Job.graph("fluent") { graph in
            graph.source(Source(Array(0..<10))).map { $0 + 1 }.filter { $0 > 3 }.map { "n\($0)" }.sink(.collect(into: out))
        }
        try await job.run()
        #expect(out.records == (4...10).map { "n\($0)" })
        #expect(job.plan.tasks.count == 1)
        #expect(job.plan.tasks[0].pieces.count == 3)
    }

    @Test("Naming a union is reported as a misuse when the job is built")
    func misuse() throws {
        let error = #expect(throws: FlowError.self) {
            try Job.graph("misuse") { graph in
                let a = graph.source(Source([1]))
                let b = graph.source(Source([2]))
                a.union(b).name("merged").sink(.discard)
            }
        }
        #expect(error?.code == .invalidGraph)
        #expect(error?.message.contains("union") == true)
    }

    @Test("Sinks can be named and given uids")
    func sinkReference() throws {
        let job = try Job.graph("sink-names") { graph in
            graph.source(Source([1])).sink(.discard).name("bin").uid("bin-1")
        }
        let sink = try #require(job.plan.tasks.last?.stages.last)
        #expect(sink.name == "bin" && sink.uid == "bin-1")
    }
}
