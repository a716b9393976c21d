// LANGUAGE.md's "A whole policy" (examples/acme-inbound.route) as hand-built IR, for the tests of
// decide(), of codegen and of the equivalence property, independent of the parser.

import type { PolicyIR } from '../../compiler/ir';
import { and, calendar, hours, IrBuilder, or, WEEKDAYS } from './hand-ir';

const NY = 'America/New_York';

export interface AcmeOptions {
  /** Give jon@acme.com a member condition (`when language in [de, fr]`, LANGUAGE.md Pools), which the policy itself does not have, so that evaluators have a member test to run. */
  memberWhen?: boolean;
}

/** The policy, built by hand. */
export function acmePolicy(options: AcmeOptions = {}): PolicyIR {
  const b = new IrBuilder('acme-inbound');
  b.dimension('segment', 'employees', [
    ['enterprise', b.cmp('employees', '>=', 1000)],
    ['midmarket', b.cmp('employees', '>=', 200)],
    ['smb', null],
  ]);
  b.dimension('geo', 'country', [
    ['na', b.in('country', ['US', 'CA', 'MX'])],
    ['emea', b.in('country', ['GB', 'IE', 'DE', 'FR', 'NL', 'ES', 'IT', 'SE'])],
    ['apac', null],
  ]);
  b.dimension('intent', null, [
    ['high', or(b.eq('type', 'demo'), b.in('source', ['paid_search', 'partner']))],
    ['low', null],
  ]);
  b.pool('enterprise.na', ['alice', 'bob', 'carol']);
  b.pool('enterprise.emea', [{ name: 'dieter', weight: 2 }, 'emma']);
  b.pool('enterprise.*', ['zoe']);
  b.pool('midmarket.*', ['mia', 'noah']);
  const smbHours = calendar(NY, hours(WEEKDAYS, '08:00', '18:00'));
  b.pool(
    'smb.*',
    [
      { name: 'frank', cap: { count: 40, per: 'day' } },
      { name: 'gina', cap: { count: 40, per: 'day' } },
    ],
    smbHours,
  );
  const payments = b.pool('payments_team', ['ivy@acme.com', options.memberWhen === true ? { name: 'jon@acme.com', when: b.in('language', ['de', 'fr']) } : 'jon@acme.com']);
  b.sticky = { path: b.pathIndex('email'), ms: 30 * 86_400_000, text: '30d' };
  b.rule(and(b.eq('account.status', 'customer'), b.blank('account.owner', true)), [{ kind: 'owner', path: b.pathIndex('account.owner') }], {
    sla: { ms: 4 * 3_600_000, text: '4h', business: false },
    source: 'when account.status = customer and account.owner is not blank route owner sla 4h',
  });
  b.rule(b.eq('type', 'support'), [{ kind: 'queue', name: 'support' }], { source: 'when type = support route queue support' });
  b.rule(
    b.eq('product', 'payments'),
    [
      { kind: 'pool', strategy: 'round_robin', pool: payments },
      { kind: 'queue', name: 'payments_overflow' },
    ],
    { sla: { ms: 600_000, text: '10m', business: false }, priority: 'high', source: 'when product = payments route round_robin(payments_team) or queue payments_overflow sla 10m priority high' },
  );
  b.rule(b.eq('intent', 'high'), [b.by('round_robin', 'segment', 'geo')], {
    sla: { ms: 300_000, text: '5m', business: false },
    priority: 'high',
    escalationText: ['next', 'queue exceptions'],
    source: 'when intent = high route by segment then geo then round_robin(pool) sla 5m priority high',
  });
  b.rule('else', [b.by('round_robin', 'segment', 'geo')], {
    sla: { ms: 86_400_000, text: '1d', business: false },
    escalationText: ['next', 'queue exceptions'],
    source: 'else by segment then geo then round_robin(pool) sla 1d escalate to next, queue exceptions',
  });
  return b.build();
}
