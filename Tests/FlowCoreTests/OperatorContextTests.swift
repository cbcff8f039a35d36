import FlowCore
import Testing

@Suite struct OperatorContextTests {
    @Test("keyGroupRange is the range of the context's subtask")
    func keyGroupRange() {
        for subtask in 0..<3 {
            let context = OperatorContext(stageName: "s", stageID: "id", subtask: subtask, parallelism: 3, maxParallelism: 10)
            #expect(context.keyGroupRange == KeyGroupRange(subtask: subtask, parallelism: 3, maxParallelism: 10))
        }
    }
}
