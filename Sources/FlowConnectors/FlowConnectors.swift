// FlowConnectors: where records come from and go to, for jobs without heavy dependencies.
//
//   Collection ─┐                                  ┌─► CollectedRecords (tests)
//   generator  ─┼─► SourceReader ─► … ─► SinkWriter ┼─► stdout (print) / nothing (discard)
//   AsyncSequence┘                                  └─► AsyncStream (host app)
