import Foundation
import Testing

/// The layering rule of Sources/: each module may import only the Flow modules listed here.
/// Dependencies point down; FlowRuntime never sees the DSL or the planner (a worker receives a
/// PhysicalPlan, not a DSL). A new module needs a line here.
let allowedImports: [String: Set<String>] = [
    "FlowCore": [],
    "FlowCodec": ["FlowCore"],
    "FlowGraph": ["FlowCore"],
    "FlowOperators": ["FlowCore"],
    "FlowConnectors": ["FlowCore"],
    "FlowPlanner": ["FlowCore", "FlowGraph"],
    "FlowRuntime": ["FlowCore", "FlowGraph"],
    "FlowDSL": ["FlowCore", "FlowGraph", "FlowOperators", "FlowConnectors", "FlowPlanner", "FlowRuntime"],
    "FlowTesting": ["Flow"],
    "FlowServiceLifecycle": ["Flow"],
    "Flow": ["FlowCore", "FlowCodec", "FlowGraph", "FlowOperators", "FlowConnectors", "FlowDSL", "FlowRuntime"],
]

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The Flow modules each Swift file of `module` imports.
func imports(of module: String) throws -> [(file: String, module: String)] {
    let directory = packageRoot.appendingPathComponent("Sources/\(module)")
    guard let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
    let pattern = try Regex(#"^\s*(?:@_exported\s+)?(?:public\s+|package\s+|internal\s+)?import\s+(Flow\w*)"#)
    var found: [(String, String)] = []
    for case let url as URL in files where url.pathExtension == "swift" {
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            if let match = line.firstMatch(of: pattern), let name = match.output[1].substring {
                found.append((url.lastPathComponent, String(name)))
            }
        }
    }
    return found
}

@Suite("Architecture: module dependencies point down")
struct ModuleDependencyTests {
    @Test("Every module folder has a rule")
    func everyModuleHasARule() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("Sources").path)
            .filter { !$0.hasPrefix(".") }
        #expect(Set(folders) == Set(allowedImports.keys), "Sources/ has \(folders.sorted()); rules name \(allowedImports.keys.sorted())")
    }

    @Test("Each module imports only what its layer allows", arguments: allowedImports.keys.sorted())
    func layering(_ module: String) throws {
        let found = try imports(of: module)
        #expect(!found.isEmpty || module == "FlowCore", "no Flow import found in \(module): is the scan broken?")
        for (file, imported) in found {
            #expect(allowedImports[module]!.contains(imported), "\(module)/\(file) imports \(imported)")
        }
    }
}
