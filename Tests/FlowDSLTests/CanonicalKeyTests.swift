import Flow
import FlowTesting
import Testing

@Suite("Canonically equivalent String keys are one key on every parallel instance")
struct CanonicalKeyTests {
    /// "k0é" with a precomposed é (U+00E9), and with e + COMBINING ACUTE ACCENT (U+0301): `==` in Swift.
    static let precomposed = "k0\u{E9}"
    static let decomposed = "k0e\u{301}"

    /// 1000 records alternating the two spellings of one key.
    static let input = (0..<1000).map { $0.isMultiple(of: 2) ? precomposed : decomposed }

    @Test(
        "Aggregate(.count) keyed by two spellings of one String counts 1000 on one instance",
        arguments: [BackendKind.sync, .dispatch, .actor], [2, 4])
    func oneCountForEquivalentSpellings(_ backend: BackendKind, parallelism: Int) async throws {
        #expect(Self.precomposed == Self.decomposed)
        let out = CollectedRecords<Keyed<String, Int>>()
        let job = try Job("canonical keys") {
            Source(Self.input)
            KeyBy { (word: String) in word }
            Aggregate(.count).parallelism(parallelism)
            Sink(.collect(into: out)).parallelism(parallelism)
        }
        try await job.run(on: backend.defaultBackend)
        #expect(out.records.count == 1000)
        // One running count up to 1000, not two up to 500.
        #expect(out.records.map(\.value).max() == 1000)
        #expect(out.records.last?.value == 1000)
        #expect(lastValues(out.records) == [Self.precomposed: 1000])
        let busy = (0..<parallelism).filter { !out.records(ofSubtask: $0).isEmpty }
        #expect(busy.count == 1, "records landed on instances \(busy)")
    }
}
