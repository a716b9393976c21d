// simulate's buyer figures for a small ping tree, counted by hand from the leads below: all
// routed at one instant, in a fresh state, so caps count offers from the first lead on.

import { Readable } from 'node:stream';
import { simulatePolicy } from '../../analysis/simulate';
import { simulateText } from '../../cli/commands/simulate';
import { readLeads } from '../../cli/leads';
import { compilePolicy } from '../../compiler/compile';
import { simulatePage } from '../../pages/simulate';

const POLICY = `policy "tree"
pool buyers = [
  acme  bid 42 when state in [CA, TX],
  beta  bid 35 cap 2/day,
  gamma bid 28,
  delta bid 20
]
when vertical = auto route by_bid(buyers) floor 25 multi_sell 2
fallback queue unsold
`;

const LEADS = [
  // 1: acme 42, beta 35 offered; gamma next; delta below floor.
  { vertical: 'auto', state: 'CA' },
  // 2: acme fails its when; beta, gamma offered; delta below floor. beta's second offer: at its cap.
  { vertical: 'auto', state: 'NY' },
  // 3: delta's live bid 50 puts it first, then acme; beta at cap; gamma next.
  { vertical: 'auto', state: 'TX', bids: { delta: 50 } },
  // 4: delta's live bid 10 is below the floor; acme fails; beta at cap: gamma alone is offered.
  { vertical: 'auto', state: 'WA', bids: { delta: 10 } },
  // 5: no rule holds: not a by_bid decision.
  { vertical: 'home' },
];

const simulate = (policy: string, leads: readonly object[]) =>
  simulatePolicy(compilePolicy(policy), readLeads(Readable.from([leads.map((l) => JSON.stringify(l)).join('\n')]), 'jsonl', 'leads.jsonl'), { now: '2026-11-23T15:00:00Z' });

test('per buyer: offers, places in the cascade, and leads lost by filter', async () => {
  const figures = await simulate(POLICY, LEADS);
  expect(figures.buyers).toEqual([
    // Offered 1 (first) and 3 (second, after delta); its when failed for 2 and 4.
    { buyer: 'acme', offers: 2, ranks: [1, 1], losses: [{ filter: 'when state in [CA, TX]', leads: 2 }] },
    // Offered 2 (first) and 1 (second); at its cap for 3 and 4 (a co-buyer's offer counts toward the cap).
    { buyer: 'beta', offers: 2, ranks: [1, 1], losses: [{ filter: 'at cap 2/day', leads: 2 }] },
    // Offered 4 (first, alone) and 2 (second); third, not offered, in 1 and 3.
    { buyer: 'gamma', offers: 2, ranks: [1, 1, 2], losses: [] },
    // First on its live bid in 3; below the floor in 1, 2 (bid 20) and 4 (live bid 10): one filter.
    { buyer: 'delta', offers: 1, ranks: [1], losses: [{ filter: 'below floor 25', leads: 3 }] },
  ]);
});

test('the text and the page show the buyers; hostile buyer names and filters only as escaped text', async () => {
  const text = simulateText(await simulate(POLICY, LEADS), { policy: 'tree.route', leads: 'leads.jsonl', when: 'now' });
  expect(text).toContain('  acme: offered 2; places #1 1 · #2 1; lost: when state in [CA, TX] 2\n');
  expect(text).toContain('  gamma: offered 2; places #1 1 · #2 1 · #3 2\n');
  const HOSTILE = `policy "h"
pool buyers = ["<script>alert(1)</script>" bid 40 when tag = "<b>x</b>", ok bid 30]
else by_bid(buyers)
fallback queue unsold
`;
  const page = simulatePage(await simulate(HOSTILE, [{ tag: 'y' }]), compilePolicy(HOSTILE).ir);
  expect(page).toContain('<h2>Buyers (by bid)</h2>');
  expect(page).not.toContain('<script>alert');
  expect(page).not.toContain('<b>x');
  expect(page).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td class="n">0</td><td></td><td>when tag = &quot;&lt;b&gt;x&lt;/b&gt;&quot; 1</td>');
  expect(simulatePage(await simulate(POLICY, [{ vertical: 'home' }]), compilePolicy(POLICY).ir)).not.toContain('Buyers (by bid)');
});
