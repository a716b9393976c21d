// One in-memory row of the state benchmark, forked by bench/state.ts: times assignments of one
// workload in one mode through a fresh in-memory store and sends the Measurement back.

import { measure } from './harness';
import { assignSubject, openBenchStore, runChild, workloadLeads, type MemoryRowRequest } from './state-workload';

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]) as MemoryRowRequest;
  const subject = assignSubject('row', openBenchStore({ kind: 'memory', ledger: request.ledger }), workloadLeads(request.workload, request.leadCount), request.mode);
  const measured = (await measure([subject], request.timing)).get('row');
  await new Promise<void>((resolve, reject) => process.send?.(measured, (error: Error | null) => (error === null ? resolve() : reject(error))));
}

runChild(main);
