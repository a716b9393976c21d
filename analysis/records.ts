// What the figures of audit and diff share: leads as the command line reads them (a batch at a
// time, each with the place it was read), routed through the front door with a fresh in-memory
// state, an unreadable one given its exception decision so that it is counted too; tallies whose
// number of distinct keys is bounded; and a destination written as one word.

import type { CompiledPolicy } from '../compiler/compile';
import type { Decision, TraceMode } from '../compiler/decision';
import { NO_TIME } from '../routing/replay';
import { routeMany, unreadableDecision } from '../routing/route';
import { MemoryStore } from '../state/memory';

/** A lead as read from an export: `lead` null when it could not be read (`problem` says why). */
export interface ReadLead {
  lead: unknown;
  /** Where it was read: `line 17`, `index 2`. */
  where: string;
  problem: string | null;
}

export interface ReplayOptions {
  /** The instant every lead is routed at (with `at`: leads without a time and unreadable ones): a Date, epoch ms or ISO 8601 text. */
  now: Date | number | string;
  /**
   * Replay in time (routeMany's `at`): each lead routed at its own time, read from this field.
   * The batches must then come in time order (cli/replay.ts's openLeadSource reads them so).
   */
  at?: string;
  /** With `at`: the IANA zone of times written without one. Default: UTC. */
  tz?: string;
}

/** Leads that could not be read: how many, and the first problems, each naming the lead's line. */
export interface UnreadableLeads {
  leads: number;
  first: string[];
}

/** The leads a run could not route as they were: unreadable ones, and (with `at`) those without a time. */
export interface LeadProblems {
  /** Leads that could not be read (each went to the fallback). */
  unreadable: UnreadableLeads;
  /** With `at`: leads whose time could not be read (each went to the fallback, a reason starting NO_TIME). */
  no_time: UnreadableLeads;
}

/** Problems kept by name in UnreadableLeads. */
export const SHOWN_PROBLEMS = 20;

/** A policy routing a stream of batches, each lead in input order, in a state of its own that starts empty. */
export class FreshRouting {
  // No ledger, and so no open queue item per queued lead: either would hold every lead routed,
  // and these runs stream exports of any size.
  private readonly store = new MemoryStore({ ledger: false });
  readonly problems: LeadProblems = { unreadable: { leads: 0, first: [] }, no_time: { leads: 0, first: [] } };

  /** `trace`: each decision carries its trace (what simulate's filter analyzer counts). */
  constructor(
    readonly policy: CompiledPolicy,
    private readonly options: ReplayOptions,
    private readonly trace: TraceMode = false,
  ) {}

  /** The decisions of one batch, in its order; an unreadable lead gets the fallback with its problem as reason. */
  async route(batch: readonly ReadLead[]): Promise<Decision[]> {
    const readable = batch.filter((r) => r.lead !== null).map((r) => r.lead);
    const { now, at, tz } = this.options;
    const decided = await routeMany(this.policy, readable, { store: this.store, now, at, tz, trace: this.trace });
    let next = 0;
    return batch.map((r) => {
      if (r.lead !== null) {
        const decision = decided[next++];
        if (decision.reason?.startsWith(NO_TIME)) count(this.problems.no_time, `${r.where}: ${decision.reason}`);
        return decision;
      }
      const problem = r.problem ?? `unreadable lead on ${r.where}`;
      count(this.problems.unreadable, problem);
      return unreadableDecision(this.policy, now, problem);
    });
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

/** One more lead in `leads`, its problem kept while fewer than SHOWN_PROBLEMS are. */
function count(leads: UnreadableLeads, problem: string): void {
  if (leads.leads++ < SHOWN_PROBLEMS) leads.first.push(problem);
}

/**
 * Where a decision sends the lead, in one word: `rep:NAME` for a person, `queue:NAME` for a
 * named queue, `exception:QUEUE` for the fallback.
 */
export function destinationOf(decision: Decision): string {
  if (decision.status === 'assigned') return `rep:${decision.assignee ?? ''}`;
  return `${decision.status === 'queued' ? 'queue' : 'exception'}:${decision.queue ?? ''}`;
}

/** The number in `line 17` or `index 2` (or `records[3]`): the lead's line in JSON Lines and CSV, its index in a JSON array. */
export function lineOf(where: string): number {
  const match = /(\d+)\D*$/.exec(where);
  return match === null ? 0 : Number(match[1]);
}

/** Distinct keys a table keeps before counting the rest in one OTHERS row: bounds memory on any export. */
export const MAX_KEYS = 10_000;
/** The row that counts what came after MAX_KEYS distinct keys. */
export const OTHERS = '(others)';

/** Rows by key, at most `max` of them: a new key past that shares the OTHERS row, and `cut` says so. */
export class BoundedTable<Row> {
  readonly rows = new Map<string, Row>();
  cut = false;

  /** `others` makes the OTHERS row. */
  constructor(
    private readonly others: () => Row,
    private readonly max = MAX_KEYS,
  ) {}

  /** The row of `key`, made by `make` when new, or the OTHERS row when the table is full. */
  row(key: string, make: () => Row): Row {
    let row = this.rows.get(key);
    if (row !== undefined) return row;
    if (this.rows.size >= this.max) {
      this.cut = true;
      row = this.rows.get(OTHERS);
      if (row === undefined) this.rows.set(OTHERS, (row = this.others()));
      return row;
    }
    row = make();
    this.rows.set(key, row);
    return row;
  }
}

/** Batches of leads from an array or a stream, as a stream. */
export type LeadBatches = AsyncIterable<readonly ReadLead[]> | Iterable<readonly ReadLead[]>;
