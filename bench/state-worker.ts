// One of the processes of the multi-process state benchmark (forked by bench/state.ts from
// dist/): opens its own store, says 'ready', assigns from the first 'go' for the time asked, and
// reports what it did.

import { assign, assignMany } from '../state/assign';
import { openBenchStore, poolLeads, runChild, type WorkerReport, type WorkerRequest } from './state-workload';

const LEADS = 10_000;

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]) as WorkerRequest;
  const store = openBenchStore(request.store);
  const leads = poolLeads(LEADS);
  // One transaction first, so the connection is up before the clock starts.
  await assign(leads[0], store);
  await new Promise<void>((resolve) => {
    process.once('message', () => resolve());
    process.send?.('ready');
  });
  const { mode } = request;
  const started = performance.now();
  const end = started + request.durationMs;
  let assignments = 0;
  let transactions = 0;
  let i = 1;
  while (performance.now() < end) {
    if (mode.kind === 'assign') {
      await assign(leads[i % LEADS], store);
      assignments++;
      transactions++;
      i++;
    } else {
      const from = i % LEADS;
      const batch = leads.slice(from, Math.min(from + mode.batch, LEADS));
      const results = await assignMany(batch, store, mode.batch);
      const failed = results.find((r) => r instanceof Error);
      if (failed !== undefined) throw failed;
      assignments += batch.length;
      transactions++;
      i += batch.length;
    }
  }
  const report: WorkerReport = { assignments, transactions, ms: performance.now() - started };
  process.send?.(report);
  await store.close();
}

runChild(main);
