// FlowTesting: what Flow's own tests use, importable by users' tests.
//
//   OperatorHarness ─ push records/watermarks into one operator, read its output
//   ExecutionVariants ─ run one job under batch sizes, credits and fusion that must not change output
