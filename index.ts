// The package's main entry: the routing library for code that uses leadroute outside n8n (n8n
// itself loads the nodes and credentials listed in package.json's `n8n` field).
export { compilePolicy, checkPolicySource, policyHash, COMPILER_VERSION, type CompiledPolicy, type CompileOptions, type DecideOptions, type EvaluatorKind } from './compiler/compile';
export type { Decision, PendingDecision, SlaInfo, TraceEntry } from './compiler/decision';
export { PolicyError, formatDiagnostics, type Diagnostic } from './dsl/diagnostics';
export * from './state';
export { escalate, readRoutingRecord, recordWorked, routingRecord, type EscalateInput, type EscalationOutcome, type EscalationResult, type RoutingEvent, type RoutingRecord } from './routing/escalate';
