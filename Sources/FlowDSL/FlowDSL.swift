// FlowDSL: how users write jobs.
//
//   Job("name") { Source; Map; Filter; KeyBy; Aggregate; Sink }      (result builder)
//   Job.graph("name") { graph in graph.source(…).map{…}.sink(…) }    (fluent, branches/unions)
//        │
//        ▼  LogicalGraph (+ static segments: pure runs composed as _Chain2 at compile time)
//   Planner ──► PhysicalPlan ──► JobExecution on a backend ──► JobResult / JobHandle
