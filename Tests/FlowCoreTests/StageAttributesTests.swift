import FlowCore
import Testing

private struct Stage: ConfigurableStage {
    var attributes = StageAttributes(kind: "Widget")
}

@Suite struct StageAttributesTests {
    @Test("defaults: only the kind is set, chaining allowed, display name is the kind")
    func defaults() {
        let attributes = StageAttributes(kind: "Map")
        #expect(attributes.kind == "Map")
        #expect(attributes.name == nil)
        #expect(attributes.uid == nil)
        #expect(attributes.parallelism == nil)
        #expect(attributes.maxParallelism == nil)
        #expect(attributes.chainingAllowed)
        #expect(attributes.displayName == "Map")
    }

    @Test("displayName prefers the name")
    func displayName() {
        #expect(StageAttributes(kind: "Map", name: "parse").displayName == "parse")
    }

    @Test("each modifier sets its attribute and leaves the others")
    func modifiers() {
        let base = Stage()
        #expect(base.name("n").attributes == StageAttributes(kind: "Widget", name: "n"))
        #expect(base.uid("u").attributes == StageAttributes(kind: "Widget", uid: "u"))
        #expect(base.parallelism(4).attributes == StageAttributes(kind: "Widget", parallelism: 4))
        #expect(base.maxParallelism(64).attributes == StageAttributes(kind: "Widget", maxParallelism: 64))
        #expect(base.disableChaining().attributes == StageAttributes(kind: "Widget", chainingAllowed: false))
    }

    @Test("modifiers compose, the last one of a kind wins, and the original is unchanged")
    func modifiersCompose() {
        let base = Stage()
        let configured = base.name("first").uid("id-1").parallelism(2).maxParallelism(32).disableChaining().name("second")
        #expect(
            configured.attributes
                == StageAttributes(
                    kind: "Widget", name: "second", uid: "id-1", parallelism: 2,
                    maxParallelism: 32, chainingAllowed: false))
        #expect(configured.attributes.displayName == "second")
        #expect(base.attributes == StageAttributes(kind: "Widget"))
    }
}
