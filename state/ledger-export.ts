// The ledger as text for a team's own BI: JSON Lines (each entry as entryJson gives it) or CSV
// (one fixed set of columns for decisions and events alike), produced as the entries are read,
// so an export of any size runs in bounded memory.

import { entryJson, readLedger } from './ledger';
import { isDecisionEntry, type EventEntry, type LedgerEntry, type LedgerQuery } from './ledger-entry';
import type { StateStore } from './store';

export const LEDGER_FORMATS = ['jsonl', 'csv'] as const;
export type LedgerFormat = (typeof LEDGER_FORMATS)[number];

/** The CSV columns: what every entry has, then a decision's, then an event's; a column an entry lacks is empty. */
export const LEDGER_CSV_COLUMNS = ['type', 'id', 'key', 'at', 'policy', 'assignee', 'queue', 'hash', 'status', 'assignees', 'pool', 'rule_line', 'rule', 'path', 'reason', 'due', 'by', 'value', 'data'] as const;

/**
 * One CSV cell. Quoted when it holds a comma, a quote or a line break; text that a spreadsheet
 * would run as a formula (starting with =, +, -, @, a tab or a carriage return) gets a leading
 * `'`, so a lead's text never becomes code when the export is opened.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** An entry as one CSV record (without its line end), in LEDGER_CSV_COLUMNS' order. */
export function entryCsv(entry: LedgerEntry): string {
  const json = entryJson(entry);
  const text = (name: string): string | null => (typeof json[name] === 'string' ? (json[name] as string) : null);
  const decision = isDecisionEntry(entry) ? entry : null;
  const event = decision === null ? (entry as EventEntry) : null;
  const cells: Record<(typeof LEDGER_CSV_COLUMNS)[number], string | number | null> = {
    type: entry.type,
    id: entry.id,
    key: entry.key,
    at: text('at'),
    policy: entry.policy,
    assignee: entry.assignee,
    queue: entry.queue,
    hash: decision?.hash ?? null,
    status: decision?.status ?? null,
    assignees: decision?.assignees?.join(' ') ?? null,
    pool: decision?.pool ?? null,
    rule_line: decision?.rule?.line ?? null,
    rule: decision?.rule?.source ?? null,
    path: decision === null ? null : JSON.stringify(decision.path),
    reason: decision?.reason ?? null,
    due: text('due'),
    by: event?.by ?? null,
    value: event?.value ?? null,
    data: event === null || event.data === null ? null : JSON.stringify(event.data),
  };
  return LEDGER_CSV_COLUMNS.map((column) => csvCell(cells[column])).join(',');
}

/** The ledger's entries matching `query` as lines of `format` (each ending in a line break; CSV starts with its header). */
export async function* ledgerLines(store: StateStore, query: LedgerQuery, format: LedgerFormat): AsyncGenerator<string> {
  if (format === 'csv') yield `${LEDGER_CSV_COLUMNS.join(',')}\r\n`;
  for await (const entry of readLedger(store, query)) yield format === 'csv' ? `${entryCsv(entry)}\r\n` : `${JSON.stringify(entryJson(entry))}\n`;
}
