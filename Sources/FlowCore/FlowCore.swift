// FlowCore: the vocabulary every other module speaks.
//
//   SourceReader ──Batch<T>──► OneInputOperator ──Batch<U>──► SinkWriter
//                 (records + EventTime, control elements between batches)
//
// A keyed operator instance keeps its state and timers per key group it owns:
//
//   record ─key─► stableHash ─┬─► KeyGroup ─► RAMValueState's table of that group ─► value (in place)
//                             └─► TimerService (per key group: dedup table; one heap by time)
//   snapshot: per key group, per state name ─► KeyedStateSnapshot ─merging / restricted─► restore
//
// Nothing here depends on another Flow module. Operator and connector authors need only this.
