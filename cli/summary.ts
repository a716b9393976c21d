// `route --summary`: counts kept while leads stream by (bounded: at most MAX_KEYS distinct
// names per table, the rest counted together), printed as a short report for people.

import type { Decision } from '../compiler/decision';
import type { Lead } from './leads';

/** Distinct names a table keeps before counting the rest as one `(others)` row: bounds memory on hostile input. */
const MAX_KEYS = 10_000;
/** Rows shown per table; the rest are summed in one line. */
const SHOWN_ROWS = 25;
const OTHERS = '(others)';

interface Row {
  count: number;
  /** One lead that landed here: its email or id and where it was read. */
  example: string;
}

class Tally {
  readonly rows = new Map<string, Row>();

  add(key: string, example: () => string): void {
    const row = this.rows.get(key);
    if (row) {
      row.count++;
      return;
    }
    if (this.rows.size >= MAX_KEYS && key !== OTHERS) {
      this.add(OTHERS, example);
      return;
    }
    this.rows.set(key, { count: 1, example: example() });
  }

  /** Rows by count, highest first, then by name. */
  sorted(): [string, Row][] {
    return [...this.rows].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}

export interface SummaryHeader {
  policy: string;
  leads: string;
  now: Date;
  /** With --at: the field each lead's own time was read from (`now` then dates only leads without one). */
  at?: string;
}

export class RouteSummary {
  private total = 0;
  private readonly status = new Map<Decision['status'], number>([
    ['assigned', 0],
    ['queued', 0],
    ['exception', 0],
  ]);
  private readonly byRule = new Tally();
  private readonly byAssignee = new Tally();
  private readonly byPool = new Tally();
  private readonly byQueue = new Tally();
  private readonly byReason = new Tally();

  /** Counts one routed lead; `lead` is null for input that was not a lead, `where` says where it was read. */
  add(decision: Decision, lead: Lead | null, where: string): void {
    this.total++;
    this.status.set(decision.status, (this.status.get(decision.status) ?? 0) + 1);
    const example = () => describeLead(lead, where);
    this.byRule.add(ruleLabel(decision), example);
    if (decision.assignee !== null) this.byAssignee.add(decision.assignee, example);
    if (decision.pool !== null) this.byPool.add(decision.pool, example);
    if (decision.status === 'queued' && decision.queue !== null) this.byQueue.add(decision.queue, example);
    if (decision.status === 'exception') this.byReason.add(decision.reason ?? '(no reason given)', example);
  }

  format(header: SummaryHeader): string {
    const out: string[] = [];
    out.push(`${this.total.toLocaleString('en-US')} leads from ${header.leads}, routed by policy ${header.policy} ${header.at === undefined ? `at ${header.now.toISOString()}` : `each at its own time (${header.at})`}`);
    out.push('');
    out.push(...table('Outcome', [...this.status].map(([s, n]) => [s, n] as [string, number]), this.total, 'percent'));
    out.push(...table('By rule', rows(this.byRule), this.total, 'percent'));
    out.push(...table('By assignee', rows(this.byAssignee), this.total, 'plain'));
    out.push(...table('By pool', rows(this.byPool), this.total, 'plain'));
    out.push(...table('Queued, by queue', rows(this.byQueue), this.total, 'plain'));
    const reasons = this.byReason.sorted();
    if (reasons.length > 0) {
      out.push('Exceptions, by reason');
      const width = countWidth(reasons.map(([, r]) => r.count));
      for (const [reason, row] of reasons.slice(0, SHOWN_ROWS)) {
        out.push(`  ${pad(row.count, width)}  ${reason}`);
        out.push(`  ${' '.repeat(width)}  e.g. ${row.example}`);
      }
      out.push(...moreLine(reasons.slice(SHOWN_ROWS).map(([, r]) => r.count), width));
      out.push('');
    }
    return out.join('\n');
  }
}

function rows(tally: Tally): [string, number][] {
  return tally.sorted().map(([k, r]) => [k, r.count]);
}

/** `rule 3 (line 37)  when intent = high route ...`, or what decided when no rule did. */
function ruleLabel(d: Decision): string {
  if (d.rule !== null) return `rule ${d.rule.index} (line ${d.rule.line})  ${clip(d.rule.source, 90)}`;
  if (d.status === 'exception') return 'no rule: fallback';
  return 'no rule: sticky, earlier assignee';
}

/** `anna@bluepeak.de (line 17)`: the lead's email, else its id, and where it was read. */
export function describeLead(lead: Lead | null, where: string): string {
  const own = (key: string): unknown => (lead !== null && Object.prototype.hasOwnProperty.call(lead, key) ? lead[key] : undefined);
  const name = [own('email'), own('id')].find((v) => (typeof v === 'string' && v.trim() !== '') || typeof v === 'number');
  return name === undefined ? where : `${clip(String(name).trim(), 80)} (${where})`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function countWidth(counts: number[]): number {
  return Math.max(1, ...counts.map((n) => n.toLocaleString('en-US').length));
}

function pad(n: number, width: number): string {
  return n.toLocaleString('en-US').padStart(width);
}

function moreLine(rest: number[], width: number): string[] {
  if (rest.length === 0) return [];
  const sum = rest.reduce((a, b) => a + b, 0);
  return [`  ${pad(sum, width)}  ... ${rest.length} more`];
}

/** A titled table, counts first so that they line up (`   452  75.3%  assigned`), top rows first; nothing when empty. */
export function table(title: string, entries: [string, number][], total: number, style: 'percent' | 'plain'): string[] {
  if (entries.length === 0) return [];
  const width = countWidth(entries.map(([, n]) => n));
  const lines = [title];
  for (const [label, n] of entries.slice(0, SHOWN_ROWS)) {
    const share = style === 'percent' ? `  ${percent(n, total).padStart(6)}` : '';
    lines.push(`  ${pad(n, width)}${share}  ${label}`);
  }
  lines.push(...moreLine(entries.slice(SHOWN_ROWS).map(([, n]) => n), width));
  lines.push('');
  return lines;
}

/** `1,200`. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `42.9%` of `total` (0 of nothing is 0.0%). */
export function percent(n: number, total: number): string {
  return `${((100 * n) / Math.max(1, total)).toFixed(1)}%`;
}

/** Rows of cells as indented lines, each column as wide as its widest cell (the last left as it is). */
export function alignRows(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => `  ${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')}`.trimEnd());
}
