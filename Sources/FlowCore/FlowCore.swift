// FlowCore: the vocabulary every other module speaks.
//
//   SourceReader ──Batch<T>──► OneInputOperator ──Batch<U>──► SinkWriter
//                 (records + EventTime, control elements between batches)
//
// Nothing here depends on another Flow module. Operator and connector authors need only this.
