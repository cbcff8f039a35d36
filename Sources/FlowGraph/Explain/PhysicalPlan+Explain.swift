import Foundation

/// The formats `explain()` can print.
public enum ExplainFormat: String, Sendable, CaseIterable {
    /// Indented text, one task per block.
    case text
    /// Graphviz DOT: one box per task, fused stages listed inside it.
    case dot
    /// JSON (keys sorted, stable across runs).
    case json
}

extension PhysicalPlan {
    /// The plan as text, DOT or JSON. Fused stages appear inside one task.
    public func explain(_ format: ExplainFormat = .text) -> String {
        switch format {
        case .text: explainText()
        case .dot: explainDOT()
        case .json: explainJSON()
        }
    }

    /// "1 ms", "250 µs", "2 s".
    static func readable(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let microseconds = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        if microseconds % 1_000_000 == 0 { return "\(microseconds / 1_000_000) s" }
        if microseconds % 1_000 == 0 { return "\(microseconds / 1_000) ms" }
        return "\(microseconds) µs"
    }

    private func explainText() -> String {
        var lines = [
            "Job '\(jobName)': \(tasks.count) task\(tasks.count == 1 ? "" : "s"), batch \(configuration.batchSize), flush \(Self.readable(configuration.flushTimeout)), \(configuration.channelCredits) credits per bridge"
        ]
        for task in tasks {
            var fusion = task.isFused ? (task.loopCount <= 1 ? "fused" : "fused, \(task.loopCount) pieces") : "single"
            if task.sourceStageCount > 1 { fusion += ", source runs \(task.sourceStageCount - 1) stage\(task.sourceStageCount == 2 ? "" : "s")" }
            lines.append(
                "Task \(task.id) [\(fusion)] parallelism \(task.parallelism), max \(task.maxParallelism), backend \(task.backend)\(task.backendIsUserSet ? " (chosen by a stage)" : "")"
            )
            for stage in task.stages {
                lines.append("  \(stage.kind) '\(stage.name)' uid=\(stage.uid)\(stage.uidIsUserSet ? "" : " (derived)")")
            }
            for edge in outputs(of: task.id) {
                lines.append("  ──\(edge.label)──► Task \(edge.to)")
            }
        }
        lines += warnings.map(\.description)
        return lines.joined(separator: "\n")
    }

    private func explainDOT() -> String {
        /// Escapes text for a quoted DOT record label (quotes, backslashes and record syntax).
        func escaped(_ text: String) -> String {
            var result = ""
            for character in text {
                if "\\\"{}|<>".contains(character) { result.append("\\") }
                result.append(character)
            }
            return result
        }
        var lines = ["digraph \"\(escaped(jobName))\" {", "  rankdir=LR;", "  node [shape=record];"]
        for task in tasks {
            let stages = task.stages.map { escaped("\($0.kind): \($0.name)") }.joined(separator: "\\n")
            lines.append("  t\(task.id) [label=\"{Task \(task.id) (p=\(task.parallelism), \(escaped(task.backend.name)))|\(stages)}\"];")
        }
        for edge in edges {
            lines.append("  t\(edge.from) -> t\(edge.to) [label=\"\(escaped(edge.label))\"];")
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    private struct TaskJSON: Encodable {
        var id: Int
        var name: String
        var parallelism: Int
        var maxParallelism: Int
        var backend: String
        var backendIsUserSet: Bool
        var fused: Bool
        /// Loops the task's records go through (``PhysicalTask/loopCount``).
        var pieces: Int
        /// Stages the task's source runs, itself included (``PhysicalTask/sourceStageCount``).
        var sourceStages: Int
        var stages: [StageJSON]
    }

    private struct StageJSON: Encodable {
        var kind: String
        var name: String
        var uid: String
        var uidIsUserSet: Bool
    }

    private struct EdgeJSON: Encodable {
        var from: Int
        var to: Int
        var partitioning: String
        /// The side output the edge carries (absent for a main output).
        var sideOutput: String?
    }

    private struct PlanJSON: Encodable {
        var job: String
        var batchSize: Int
        var flushTimeoutMicroseconds: Int64
        var channelCredits: Int
        var tasks: [TaskJSON]
        var edges: [EdgeJSON]
        var warnings: [WarningJSON]
    }

    private struct WarningJSON: Encodable {
        var code: String
        var stage: String
        var uid: String
        var message: String
    }

    private func explainJSON() -> String {
        let plan = PlanJSON(
            job: jobName,
            batchSize: configuration.batchSize,
            flushTimeoutMicroseconds: configuration.flushTimeout.components.seconds * 1_000_000
                + configuration.flushTimeout.components.attoseconds / 1_000_000_000_000,
            channelCredits: configuration.channelCredits,
            tasks: tasks.map { task in
                TaskJSON(
                    id: task.id, name: task.name, parallelism: task.parallelism, maxParallelism: task.maxParallelism,
                    backend: task.backend.name, backendIsUserSet: task.backendIsUserSet, fused: task.isFused, pieces: task.loopCount,
                    sourceStages: task.sourceStageCount,
                    stages: task.stages.map { StageJSON(kind: $0.kind, name: $0.name, uid: $0.uid, uidIsUserSet: $0.uidIsUserSet) })
            },
            edges: edges.map { EdgeJSON(from: $0.from, to: $0.to, partitioning: $0.partitioning.name, sideOutput: $0.sideOutput?.id) },
            warnings: warnings.map { WarningJSON(code: $0.code.rawValue, stage: $0.stageName, uid: $0.stageID, message: $0.message) }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(plan), let text = String(data: data, encoding: .utf8) else {
            return "{}"
        }
        return text
    }
}

extension PhysicalEdge {
    /// How `explain()` labels the edge: its partitioning, and the side output it carries, if any.
    var label: String {
        sideOutput.map { "\(partitioning.name), side output '\($0.id)'" } ?? partitioning.name
    }
}
