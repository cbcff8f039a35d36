import Flow
import Testing

/// The collection and generator sources store their position per split and resume from it, also
/// at another parallelism: every record not yet read is read exactly once, in its split's order.
@Suite struct SourceSplitRestoreTests {
    private static func context(_ subtask: Int, of parallelism: Int) -> SourceContext {
        SourceContext(stageName: "source", stageID: "source", subtask: subtask, parallelism: parallelism)
    }

    /// Reads every record `reader` has left, `step` at a time.
    private static func drain<R: SourceReader>(_ reader: inout R, step: Int = 7) throws -> [R.Output] {
        var batch = Batch<R.Output>()
        while try reader.readImmediately(into: &batch, maxCount: step) != .finished {}
        return Array(batch.records)
    }

    /// Opens `parallelism` readers made by `make`, reads `head` records from each, snapshots them,
    /// and returns what was read and the stored splits.
    private static func readPartly<R: SourceReader>(parallelism: Int, head: Int, _ make: () -> R) async throws -> (read: [R.Output], splits: [SourceSplit]) {
        var read: [R.Output] = []
        var splits: [SourceSplit] = []
        for subtask in 0..<parallelism {
            var reader = make()
            try await reader.open(context: context(subtask, of: parallelism))
            var batch = Batch<R.Output>()
            _ = try reader.readImmediately(into: &batch, maxCount: head)
            read += batch.records
            splits += try await reader.snapshotSplits(checkpoint: 1)
        }
        return (read, splits)
    }

    /// Restores `splits` into `parallelism` new readers and reads them to the end.
    private static func resume<R: SourceReader>(_ splits: [SourceSplit], parallelism: Int, _ make: () -> R) async throws -> [[R.Output]] {
        var outputs: [[R.Output]] = []
        for subtask in 0..<parallelism {
            var reader = make()
            try reader.restoreSplits(SourceSplit.assigned(splits, to: subtask, of: parallelism))
            try await reader.open(context: context(subtask, of: parallelism))
            outputs.append(try drain(&reader))
        }
        return outputs
    }

    @Test("A collection read partly at p = 3 resumes at p = 1, 2, 3 and 5: each record read once", arguments: [1, 2, 3, 5])
    func collectionResumes(at parallelism: Int) async throws {
        let input = Array(0..<100)
        let (read, splits) = try await Self.readPartly(parallelism: 3, head: 10) { CollectionReader(input) }
        #expect(splits.map(\.position) == [10, 10, 10])
        let resumed = try await Self.resume(splits, parallelism: parallelism) { CollectionReader(input) }
        #expect((read + resumed.flatMap { $0 }).sorted() == input)
        // Within each resumed instance, each split's records come in order.
        for output in resumed {
            for split in 0..<3 {
                let ofSplit = output.filter { $0 >= 100 * split / 3 && $0 < 100 * (split + 1) / 3 }
                #expect(ofSplit == ofSplit.sorted())
            }
        }
    }

    @Test("A bounded generator read partly at p = 2 resumes at p = 1, 3 and 4: each sequence number made once", arguments: [1, 3, 4])
    func generatorResumes(at parallelism: Int) async throws {
        let make = { GeneratorReader(count: 1000, recordsPerSecond: nil, function: ClosureGenerator { $0 }) }
        let (read, splits) = try await Self.readPartly(parallelism: 2, head: 64, make)
        #expect(Set(splits.map(\.index)) == [0, 1] && splits.allSatisfy { $0.position == 64 })
        let resumed = try await Self.resume(splits, parallelism: parallelism, make)
        #expect((read + resumed.flatMap { $0 }).sorted() == Array(0..<1000))
    }

    @Test("A reader that owns several unbounded generator splits takes them in turn")
    func unboundedSplitsRotate() async throws {
        var reader = GeneratorReader(count: nil, recordsPerSecond: nil, function: ClosureGenerator { $0 })
        try reader.restoreSplits([SourceSplit(index: 0, splitCount: 2, position: 5), SourceSplit(index: 1, splitCount: 2, position: 0)])
        try await reader.open(context: Self.context(0, of: 1))
        var batch = Batch<Int64>()
        for _ in 0..<4 { _ = reader.readImmediately(into: &batch, maxCount: 3) }
        #expect(Array(batch.records) == [10, 12, 14, 1, 3, 5, 16, 18, 20, 7, 9, 11])
        let positions = try await reader.snapshotSplits(checkpoint: 2).map(\.position)
        #expect(positions == [11, 6])
    }

    @Test("An unbounded generator restored at more instances than splits: the instances without a split make nothing")
    func instanceWithoutSplitFinishes() async throws {
        var reader = GeneratorReader(count: nil, recordsPerSecond: nil, function: ClosureGenerator { $0 })
        try reader.restoreSplits([])
        try await reader.open(context: Self.context(2, of: 3))
        var batch = Batch<Int64>()
        #expect(reader.readImmediately(into: &batch, maxCount: 100) == .finished)
        #expect(batch.isEmpty)
    }

    @Test("A stamping reader stores its wrapped reader's position")
    func stampedReaderStoresPosition() async throws {
        var reader = TimestampedReader(CollectionReader(Array(0..<10)), assigner: ClosureTimestampAssigner { EventTime(milliseconds: Int64($0)) })
        try await reader.open(context: Self.context(0, of: 1))
        var batch = Batch<Int>()
        _ = try reader.readImmediately(into: &batch, maxCount: 4)
        #expect(try await reader.snapshotSplits(checkpoint: 1) == [SourceSplit(index: 0, splitCount: 1, position: 4)])
    }

    @Test("A split read to the end is stored as done and not read again")
    func finishedSplitsStayDone() async throws {
        let input = Array(0..<10)
        var reader = CollectionReader(input)
        try await reader.open(context: Self.context(0, of: 2))
        #expect(try Self.drain(&reader) == [0, 1, 2, 3, 4])
        let splits = try await reader.snapshotSplits(checkpoint: 1)
        #expect(splits == [SourceSplit(index: 0, splitCount: 2, position: 5)])
        var resumed = CollectionReader(input)
        try resumed.restoreSplits(splits)
        try await resumed.open(context: Self.context(0, of: 1))
        #expect(try Self.drain(&resumed).isEmpty)
    }

    @Test("Restoring a position past its split's end, a split twice or mixed split counts is refused, naming the split")
    func badSplitsAreRefused() throws {
        var reader = CollectionReader(Array(0..<10))
        #expect { try reader.restoreSplits([SourceSplit(index: 1, splitCount: 2, position: 6)]) } throws: { error in
            let error = error as? FlowError
            return error?.code == .stateRestoreFailed && error?.message.contains("position 6 of split 1/2 is past its end (5 records)") == true
        }
        #expect { try reader.restoreSplits([SourceSplit(index: 0, splitCount: 2, position: 0), SourceSplit(index: 0, splitCount: 2, position: 1)]) } throws: {
            error in
            (error as? FlowError)?.message.contains("split 0 twice") == true
        }
        var generator = GeneratorReader(count: 10, recordsPerSecond: nil, function: ClosureGenerator { $0 })
        #expect {
            try generator.restoreSplits([SourceSplit(index: 0, splitCount: 2, position: 0), SourceSplit(index: 1, splitCount: 3, position: 0)])
        } throws: { error in
            (error as? FlowError)?.message.contains("disagree on how many splits there are (2 and 3)") == true
        }
    }

    @Test("An AsyncSequence source cannot store a position: it says it is not replayable, and a snapshot says why")
    func asyncSequenceIsNotReplayable() async throws {
        let reader = AsyncSequenceReader(makeSequence: { AsyncStream<Int> { $0.finish() } })
        #expect(!reader.isReplayable)
        await #expect { _ = try await reader.snapshotSplits(checkpoint: 1) } throws: { error in
            (error as? FlowError)?.message.contains("cannot store its position") == true
        }
    }

    @Test("The built-in readers are replayable, and so is a reader wrapped to stamp timestamps or erased")
    func replayableReaders() {
        let stamp = ClosureTimestampAssigner { (x: Int) in EventTime(milliseconds: Int64(x)) }
        #expect(CollectionReader([1]).isReplayable)
        #expect(GeneratorReader(count: 1, recordsPerSecond: nil, function: ClosureGenerator { $0 }).isReplayable)
        #expect(TimestampedReader(CollectionReader([1]), assigner: stamp).isReplayable)
        #expect(AnySourceReader(CollectionReader([1])).isReplayable)
        #expect(AnyOperator(reader: TimestampedReader(CollectionReader([1]), assigner: stamp)).isReplayable)
        let live = AsyncSequenceReader(makeSequence: { AsyncStream<Int> { $0.finish() } })
        #expect(!TimestampedReader(live, assigner: stamp).isReplayable)
        #expect(!AnySourceReader(live).isReplayable)
    }
}
