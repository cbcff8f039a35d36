// WordCount: the classic first job, embedded in a command-line program.
//
// Source (lines) → FlatMap (words) → Filter (no short words) ─hash─► running count per word → Collect
//
// Run: swift run -c release WordCount    (expected output: Examples/WordCount/README.md)
import Flow

let lines = [
    "It was the best of times, it was the worst of times,",
    "it was the age of wisdom, it was the age of foolishness,",
    "it was the epoch of belief, it was the epoch of incredulity,",
    "it was the season of Light, it was the season of Darkness,",
    "it was the spring of hope, it was the winter of despair,",
    "we had everything before us, we had nothing before us,",
    "we were all going direct to Heaven, we were all going direct the other way",
]

let counts = CollectedRecords<Keyed<String, Int>>()

let job = try Job("word-count") {
    Source(lines).name("lines")
    FlatMap { (line: String) in line.lowercased().split { !$0.isLetter }.map(String.init) }.name("split")
    Filter { (word: String) in word.count > 2 }.name("no-short-words")
    KeyBy { (word: String) in word }
    Aggregate(.count).name("count").uid("word-counts")  // keyed state: a uid of its own keeps it across changes
    Sink(.collect(into: counts)).name("counts")
}

print(job.explain())
print()

let result = try await job.run()

// The running count emits every update; the last update per word is its total.
var totals: [String: Int] = [:]
for update in counts.records { totals[update.key] = update.value }
let top = totals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(8)
print("Top words:")
for (word, count) in top { print("  \(word): \(count)") }
print()
print("Stage counts:")
for stage in result.metrics.stages { print("  \(stage)") }
