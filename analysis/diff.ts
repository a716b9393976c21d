// `leadroute diff`: which leads would change destination if NEW replaced OLD. Both policies
// route the same leads, each with a state of its own that starts empty; the figures count the
// leads by (from -> to) with the first lines of each, in bounded memory for any export.

import type { CompiledPolicy } from '../compiler/compile';
import type { Decision } from '../compiler/decision';
import { BoundedTable, destinationOf, OTHERS, FreshRouting, lineOf, type LeadBatches, type LeadProblems, type ReadLead, type ReplayOptions } from './records';

/** Example lines kept per move. */
export const DIFF_EXAMPLES = 5;

export interface DiffMove {
  /** The destination under OLD: `rep:NAME`, `queue:NAME` or `exception:QUEUE`. */
  from: string;
  /** The destination under NEW. */
  to: string;
  leads: number;
  /** The first leads that move so, by line (JSON Lines, CSV) or index (JSON array), at most DIFF_EXAMPLES. */
  examples: number[];
}

export interface DiffFigures extends LeadProblems {
  leads: number;
  /** Leads whose destination differs. */
  changed: number;
  /** Most leads first, then by from and to. */
  moves: DiffMove[];
  /** True when more distinct moves came than a run keeps: the later ones are counted in a `(others)` move. */
  moves_cut: boolean;
  old: { name: string; hash: string };
  new: { name: string; hash: string };
}

/** The diff's figures, fed one lead at a time. */
export class DiffTally {
  private leads = 0;
  private changed = 0;
  private readonly moves = new BoundedTable<DiffMove>(() => ({ from: OTHERS, to: OTHERS, leads: 0, examples: [] }));

  add(where: string, before: Decision, after: Decision): void {
    this.leads++;
    const from = destinationOf(before);
    const to = destinationOf(after);
    if (from === to) return;
    this.changed++;
    // JSON keeps the pair apart without any separator that a name could hold.
    const move = this.moves.row(JSON.stringify([from, to]), () => ({ from, to, leads: 0, examples: [] }));
    move.leads++;
    if (move.examples.length < DIFF_EXAMPLES) move.examples.push(lineOf(where));
  }

  result(oldPolicy: CompiledPolicy, newPolicy: CompiledPolicy, problems: LeadProblems): DiffFigures {
    const moves = [...this.moves.rows.values()];
    moves.sort((a, b) => b.leads - a.leads || compare(a.from, b.from) || compare(a.to, b.to));
    return {
      leads: this.leads,
      changed: this.changed,
      moves,
      moves_cut: this.moves.cut,
      old: { name: oldPolicy.name, hash: oldPolicy.hash },
      new: { name: newPolicy.name, hash: newPolicy.hash },
      ...problems,
    };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Routes every lead with OLD and with NEW (each in a fresh in-memory state) and compares where they go. */
export async function diffPolicies(oldPolicy: CompiledPolicy, newPolicy: CompiledPolicy, batches: LeadBatches, options: ReplayOptions): Promise<DiffFigures> {
  const before = new FreshRouting(oldPolicy, options);
  const after = new FreshRouting(newPolicy, options);
  const tally = new DiffTally();
  try {
    for await (const batch of batches as AsyncIterable<readonly ReadLead[]>) {
      const [a, b] = await Promise.all([before.route(batch), after.route(batch)]);
      batch.forEach((r, i) => tally.add(r.where, a[i], b[i]));
    }
  } finally {
    await Promise.all([before.close(), after.close()]);
  }
  return tally.result(oldPolicy, newPolicy, before.problems);
}
