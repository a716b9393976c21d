// The package's main entry: the routing library for code that uses leadroute outside n8n (n8n
// itself loads the nodes and credentials listed in package.json's `n8n` field). What is here is
// the public API; everything else is internal and may change between versions.

// Policies: compile and check.
export { compilePolicy, checkPolicySource, COMPILER_VERSION, type CompiledPolicy, type CompileOptions, type DecideOptions, type EvaluatorKind } from './compiler/compile';
export { PolicyError, formatDiagnostics, type Diagnostic, type Severity } from './dsl/diagnostics';

// Routing: the front door, its decisions, escalation and SLA deadlines.
export { route, routeMany, type RouteOptions } from './routing/route';
export { inTimeOrder, leadClock, leadTime, NO_TIME, OutOfTimeOrder, type LeadClock } from './routing/replay';
export type { Decision, RuleRef, SlaInfo, TraceEntry } from './compiler/decision';
export { escalate, readRoutingRecord, recordWorked, routingRecord, type EscalateInput, type EscalationCause, type EscalationOutcome, type EscalationResult, type RoutingEvent, type RoutingRecord } from './routing/escalate';
export { checkLink, publicView, type LinkCheck, type PublicDecision } from './routing/links';
export { dueFrom, slaClock, slaDeadline, SlaSettingError, type SlaClock } from './routing/sla';

// The routing state: opening a store, the three stores, and changing or reading the state by hand.
export { checkStore, openStore, parseStoreSpec, STORE_SPEC_FORMS, type StoreSpec } from './state/open';
export { MemoryStore, type MemoryStoreOptions } from './state/memory';
export { SqliteStore, type SqliteStoreOptions } from './state/sqlite';
export { RedisStore, type RedisStoreOptions } from './state/redis';
export { StateStoreError, type StateStore, type StateRead, type StateWrite, type StateValue, type StateJson, type TransactionStep } from './state/store';
export { markAway, markBack, resetState } from './state/admin';
export { readState, type StateReport } from './state/report';

// The routing ledger: every decision and event, outcomes, queues watched.
export {
  findDecision,
  NotOpenError,
  openItems,
  outcomeEventProblem,
  pruneLedger,
  readLedger,
  recordEvent,
  recordOutcome,
  takeFromQueue,
  UnknownLeadError,
  DEFAULT_RETENTION_DAYS,
  type EventDetails,
  type OpenItem,
  type OpenItemFilter,
  type OutcomeInput,
} from './state/ledger';
export { ledgerLines, LEDGER_CSV_COLUMNS, LEDGER_FORMATS, type LedgerFormat } from './state/ledger-export';
export { EVENT_NAME, OUTCOMES, ROUTING_EVENTS, type DecisionEntry, type EventEntry, type LedgerEntry, type LedgerQuery, type LedgerStore, type OutcomeName, type RoutingEventName } from './state/ledger-entry';

// Clean leads before routing: Normalize Lead as a library.
export { normalizeLead, createNormalizer, type NormalizeOptions, type NormalizeResult, type Change, type Lead } from './normalize/normalize';

// Live routing measured: the figures of `leadroute report` from the ledger's entries.
export { reportFigures, type ReportEntry, type ReportDecisionEntry, type ReportEventEntry, type ReportFigures, type ReportOptions, type ReportSummary, type GroupFigures, type QueueNow, type QueuePeriod, type Share, type Spread, type WeekFigures } from './analysis/report';
export type { AnswerTimes, BuyerSales, SalesFigures } from './analysis/sales';

export { ledgerReport } from './analysis/ledger-report';

// Before a policy goes live: the figures of `leadroute simulate` (what a policy would do with an
// export), `leadroute audit` (the owners an export's leads got against the policy's) and
// `leadroute diff` (which leads a policy change would move).
export { simulatePolicy, type SimulateFigures, type SimulateOptions, type RuleFigures, type PoolFairness, type MemberFigures, type FieldFigures, type SimulatedBuyer } from './analysis/simulate';
export { auditExport, type AuditFigures, type AuditMove, type AuditOptions, type AuditPath, type AuditRule, type OutcomeGroup, type OutcomeSpec } from './analysis/audit';
export { diffPolicies, type DiffFigures, type DiffMove } from './analysis/diff';
export { destinationOf, type LeadBatches, type ReadLead, type ReplayOptions } from './analysis/records';

// Pages: a policy, and the reports' figures, as self-contained HTML.
export { policyPage, type PathCount } from './pages/policy-graph';
export { reportPage } from './pages/report';
export { auditPage, diffPage } from './pages/audit';
export { simulatePage } from './pages/simulate';
