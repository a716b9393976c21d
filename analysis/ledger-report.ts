// `leadroute report`'s figures from a store's ledger: the entries read (those of one policy when
// asked) up to the report's end, handed to the pure reportFigures. Entries before `since` are read
// too: a lead still waiting in a queue, or a key seen before, counts from them.

import { readLedger, type StateStore } from '../state';
import { withStore } from '../state/store';
import { reportFigures, type ReportEntry, type ReportFigures, type ReportOptions } from './report';

export async function ledgerReport(store: StateStore, options: ReportOptions & { policy?: string }): Promise<ReportFigures> {
  const entries: ReportEntry[] = [];
  // reportFigures counts events up to `until` itself; the ledger's `until` is exclusive.
  const query = { until: options.until + 1, ...(options.policy === undefined ? {} : { policy: options.policy }) };
  await withStore(store, async () => {
    for await (const entry of readLedger(store, query)) entries.push(entry);
  });
  return reportFigures(entries, { since: options.since, until: options.until });
}
