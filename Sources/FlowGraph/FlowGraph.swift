// FlowGraph: the job as values.
//
//   DSL / fluent API ──► LogicalGraph ──(FlowPlanner)──► PhysicalPlan ──► FlowRuntime
//                        nodes, edges,                   tasks, edges,
//                        static segments                 partitioners, backends
//
// Node bodies are factories formed where record types are concrete, so the operators they make
// are specialized; the plan itself is a plain value a worker can receive.
