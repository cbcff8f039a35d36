/// Something the planner accepted that the user should know about: the job runs, but may not
/// behave as intended when it changes later. ``PhysicalPlan/warnings`` lists them; `explain()`
/// prints them.
public struct PlanWarning: Sendable, Hashable, CustomStringConvertible {
    /// What kind of warning it is.
    public enum Code: String, Sendable, Hashable {
        /// A stage that keeps keyed state has no user-set uid: its state is stored under a uid
        /// derived from its place in the graph, which changes when a stage is added or removed
        /// before it, and then its state is not restored (Flink's advice: set a uid on every
        /// stateful operator).
        case derivedUIDOnStatefulStage
    }

    /// What kind of warning it is.
    public var code: Code
    /// The display name of the stage it is about.
    public var stageName: String
    /// The uid of the stage it is about.
    public var stageID: String
    /// What is wrong and what to do.
    public var message: String

    public init(_ code: Code, stageName: String, stageID: String, message: String) {
        self.code = code
        self.stageName = stageName
        self.stageID = stageID
        self.message = message
    }

    public var description: String { "warning: stage '\(stageName)': \(message)" }
}
