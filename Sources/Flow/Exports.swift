// Flow: `import Flow` gives the whole user-facing API.
//
//   FlowDSL (Job, JobBuilder, JobGraph) ── FlowOperators (Map, Filter, KeyBy, Aggregate…)
//   FlowConnectors (Source, Sink) ── FlowRuntime (JobResult, backends) ── FlowGraph (plans)
//   FlowCore (Batch, EventTime, KeyGroup, FlowError) ── FlowCodec (FlowCodable)

@_exported public import FlowCodec
@_exported public import FlowConnectors
@_exported public import FlowCore
@_exported public import FlowDSL
@_exported public import FlowGraph
@_exported public import FlowOperators
@_exported public import FlowRuntime
