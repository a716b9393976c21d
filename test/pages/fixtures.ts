// Policies the page tests draw: the language's whole policy, and one whose every name is hostile
// markup, quotes or a prototype key, so that escaping is checked where names really reach a page.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditFigures, OutcomeGroup } from '../../analysis/audit';
import type { DiffFigures } from '../../analysis/diff';
import type { GroupFigures, ReportFigures, Share, Spread } from '../../analysis/report';
import type { BuyerSales } from '../../analysis/sales';
import { compilePolicy } from '../../compiler/compile';

export const ACME = compilePolicy(readFileSync(join(__dirname, '../../examples/acme-inbound.route'), 'utf8'));

/** Every name a page shows is an attack on the page: tags, quotes that close attributes, `__proto__`. */
export const HOSTILE = compilePolicy(`policy "<img src=x onerror=alert(1)>"
pool "__proto__" = ["<script>alert(1)</script>", "a\\"b'c", constructor]
when source = "</text><script>alert(2)</script>" route round_robin("__proto__")
else queue "\\"'><svg onload=alert(3)>"
fallback queue "<b>lost</b>"
`);

/** Text that must never appear in a page's markup unescaped. */
export const HOSTILE_MARKUP = ['<script', '<img', '<svg onload', '<b>', `"'>`, `a"b'c`];

const share = (count: number, of: number): Share => ({ count, of, percent: of === 0 ? null : (100 * count) / of });
const spread = (count: number, median: number | null, p90: number | null): Spread => ({ count, median, p90 });
const group = (name: string | null, leads: number, worked: number): GroupFigures => ({ name, leads, workedWithinSla: share(worked, leads), meetingBooked: share(1, leads), opportunity: null });

/** A report over two weeks: three owners (one of them hostile markup, one `__proto__`), leads never assigned, two queues. */
export const REPORT: ReportFigures = {
  period: { since: '2026-11-16T00:00:00.000Z', until: '2026-11-30T00:00:00.000Z' },
  leads: 20,
  timeToAssignment: spread(18, 0, 240_000),
  timeToFirstTouch: spread(12, 600_000, 5_400_000),
  assignedWithin5m: share(16, 20),
  workedWithinSla: share(9, 12),
  reassigned: share(2, 20),
  exceptions: share(2, 20),
  queues: {
    now: [{ queue: 'exceptions', open: 2, waiting: spread(2, 3_600_000, 7_000_000), oldest: 7_200_000 }, { queue: '"><b>support</b>', open: 1, waiting: spread(1, 60_000, 60_000), oldest: 60_000 }],
    period: [{ queue: 'exceptions', entered: 3, left: 1, wait: spread(1, 1_800_000, 1_800_000) }],
  },
  byOwner: [group('alice', 9, 5), group('<script>alert(1)</script>', 6, 3), group('__proto__', 3, 1), group(null, 2, 0)],
  byRule: [group('line 41: when account.status = customer route owner', 12, 6), group(null, 8, 3)],
  byPool: [group('enterprise.na', 15, 8), group(null, 5, 1)],
  duplicates: [{ source: 'web', leads: 14, duplicates: 1 }, { source: null, leads: 6, duplicates: 0 }],
  weeks: [
    { week: '2026-11-16', leads: 8, timeToAssignment: spread(8, 0, 120_000), timeToFirstTouch: spread(5, 500_000, 900_000), assignedWithin5m: share(8, 8), workedWithinSla: share(4, 5), reassigned: share(0, 8), exceptions: share(0, 8) },
    { week: '2026-11-23', leads: 12, timeToAssignment: spread(10, 60_000, 300_000), timeToFirstTouch: spread(7, 700_000, 6_000_000), assignedWithin5m: share(8, 12), workedWithinSla: share(5, 7), reassigned: share(2, 12), exceptions: share(2, 12) },
  ],
};

const buyer = (name: string, offers: number, accepted: number, revenue: number, declinedBy: BuyerSales['declinedBy']): BuyerSales => ({
  buyer: name,
  offers,
  unanswered: 0,
  accepted,
  acceptRate: share(accepted, offers),
  declined: declinedBy.reduce((sum, d) => sum + d.count, 0),
  declinedBy,
  timedOut: offers - accepted - declinedBy.reduce((sum, d) => sum + d.count, 0),
  returns: 0,
  revenue,
  timeToAnswer: { count: accepted, median: 12_000, p75: 20_000, p90: 26_000 },
});

/** REPORT with a ping tree's sales: a hostile buyer, and a decline whose reason is markup. */
export const SALES_REPORT: ReportFigures = {
  ...REPORT,
  sales: {
    leads: 12,
    sold: share(9, 12),
    revenue: 412.5,
    revenuePerLead: 34.375,
    buyers: [buyer('acme_ins', 8, 6, 300, [{ reason: 'over budget', count: 2 }]), buyer('<script>alert(1)</script>', 4, 3, 112.5, [{ reason: '"><b>no</b>', count: 1 }])],
  },
};

const outcomeGroup = (leads: number, same: number, won: number): OutcomeGroup => ({ leads, same, outcomes: { 'CONVERTED=Yes': won }, small: leads < 30 });

/** 40 leads: 30 kept by alice as the policy says, 6 of `<script>`'s the policy gives alice, 4 without an owner. */
export const AUDIT: AuditFigures = {
  leads: 40,
  agreement: { same: 30, different: 6, no_owner: 4 },
  by_rule: [{ ...outcomeGroup(40, 30, 12), index: 0, line: 3, source: 'else round_robin(team)', different: 6, no_owner: 4 }],
  by_owner: { alice: outcomeGroup(30, 30, 10), '<script>alert(1)</script>': outcomeGroup(6, 0, 2) },
  unowned: outcomeGroup(4, 0, 0),
  by_path: [{ ...outcomeGroup(40, 30, 12), rule: 0, pool: 'team', target: 'pool team' }],
  moves: [{ from: '<script>alert(1)</script>', to: 'alice', leads: 6, examples: [2, 5, 9] }],
  outcomes: ['CONVERTED=Yes'],
  columns: { Owner: 36, CONVERTED: 40 },
  columns_seen: ['Owner', 'CONVERTED'],
  cut: [],
  unreadable: { leads: 0, first: [] },
  no_time: { leads: 0, first: [] },
  policy: { name: '"><img src=x>', hash: 'sha256:0' },
};

export const DIFF: DiffFigures = {
  leads: 10,
  changed: 3,
  moves: [{ from: 'rep:mia', to: 'rep:__proto__', leads: 2, examples: [1, 4] }, { from: 'queue:a"b\'c', to: 'exception:<b>lost</b>', leads: 1, examples: [7] }],
  moves_cut: false,
  unreadable: { leads: 1, first: ['line 3: <script>bad</script> is not JSON'] },
  no_time: { leads: 2, first: ['line 5: no time to route at: created_at is blank'] },
  old: { name: 'old', hash: 'sha256:1' },
  new: { name: 'new', hash: 'sha256:2' },
};
