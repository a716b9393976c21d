// LANGUAGE.md's "A whole policy" (examples/acme-inbound.route) as hand-built IR, for the codegen
// tests and the equivalence property, independent of the parser.

import type { PolicyIR } from '../../compiler/ir';
import { and, calendar, hours, IrBuilder, or, WEEKDAYS } from './hand-ir';

export function acmePolicy(): PolicyIR {
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
  const smbHours = calendar('America/New_York', hours(WEEKDAYS, '08:00', '18:00'));
  b.pool('smb.*', [{ name: 'frank', cap: { count: 40, per: 'day' } }, { name: 'gina', cap: { count: 40, per: 'day' } }], smbHours);
  // A member `when` (LANGUAGE.md, Pools), so memberTakes has something to evaluate.
  b.pool('payments_team', ['ivy@acme.com', { name: 'jon@acme.com', when: b.in('language', ['de', 'fr']) }]);
  const owner = b.path('account.owner');
  const segmentGeo = b.by('round_robin', 'segment', 'geo');
  b.rule(and(b.eq('account.status', 'customer'), b.blank('account.owner', true)), [{ kind: 'owner', path: owner.kind === 'path' ? owner.path : -1 }]);
  b.rule(b.eq('type', 'support'), [{ kind: 'queue', name: 'support' }]);
  b.rule(b.eq('product', 'payments'), [{ kind: 'pool', strategy: 'round_robin', pool: 5 }, { kind: 'queue', name: 'payments_overflow' }]);
  b.rule(b.eq('intent', 'high'), [segmentGeo]);
  b.rule('else', [segmentGeo]);
  return b.build();
}
