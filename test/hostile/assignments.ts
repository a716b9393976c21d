// How many assignments the routing state holds for a policy: the sum of its rotations' counts,
// read through the library as `leadroute state show` reads them.
import { openStore, readState } from '../../state';

export async function assignmentsIn(db: string, policy: string): Promise<number> {
  const store = openStore({ kind: 'sqlite', file: db });
  try {
    const report = await readState(store, policy, Date.parse('2026-11-23T15:00:00Z'));
    return report.rotations.reduce((sum, r) => sum + r.seq, 0);
  } finally {
    await store.close();
  }
}
