import type { Decision } from '../../compiler/decision';
import { RouteSummary } from '../../cli/summary';

function decision(over: Partial<Decision>): Decision {
  return {
    id: 'r_test',
    status: 'assigned',
    assignee: null,
    queue: null,
    pool: null,
    rule: null,
    path: {},
    candidates: [],
    sla: null,
    priority: 'normal',
    tags: [],
    escalation: [],
    reason: null,
    policy: { name: 'acme-inbound', hash: 'sha256:0' },
    routed_at: '2026-11-23T15:00:00.000Z',
    warnings: [],
    ...over,
  };
}

const elseRule = { index: 4, line: 38, source: 'else by segment then geo then round_robin(pool) sla 1d escalate to next, queue exceptions' };
const supportRule = { index: 1, line: 34, source: 'when type = support route queue support' };

test('counts outcomes, rules, assignees, pools, queues, and exception reasons with an example lead', () => {
  const s = new RouteSummary();
  s.add(decision({ assignee: 'mia', pool: 'midmarket.*', rule: elseRule }), { email: 'anna@bluepeak.de' }, 'line 2');
  s.add(decision({ assignee: 'noah', pool: 'midmarket.*', rule: elseRule }), { email: 'bob@cedar.com' }, 'line 3');
  s.add(decision({ assignee: 'mia', pool: 'midmarket.*', rule: null }), { email: 'anna@bluepeak.de' }, 'line 4');
  s.add(decision({ status: 'queued', queue: 'support', rule: supportRule }), { email: 'eve@x.com' }, 'line 5');
  s.add(decision({ status: 'exception', queue: 'exceptions', rule: elseRule, reason: 'no pool matches segment=smb, geo=(blank)' }), { email: ' ivy@harbor.com ' }, 'line 6');
  s.add(decision({ status: 'exception', queue: 'exceptions', rule: elseRule, reason: 'no pool matches segment=smb, geo=(blank)' }), { email: 'zed@x.com' }, 'line 9');
  s.add(decision({ status: 'exception', queue: 'exceptions', reason: 'invalid JSON on line 7: Unexpected token' }), null, 'line 7');

  const text = s.format({ policy: 'acme-inbound', leads: 'leads.jsonl', now: new Date('2026-11-23T15:00:00Z') });
  expect(text).toBe(
    [
      '7 leads from leads.jsonl, routed by policy acme-inbound at 2026-11-23T15:00:00.000Z',
      '',
      'Outcome',
      '  3   42.9%  assigned',
      '  1   14.3%  queued',
      '  3   42.9%  exception',
      '',
      'By rule',
      '  4   57.1%  rule 4 (line 38)  else by segment then geo then round_robin(pool) sla 1d escalate to next, queue exceptions',
      '  1   14.3%  no rule: fallback',
      '  1   14.3%  no rule: sticky, earlier assignee',
      '  1   14.3%  rule 1 (line 34)  when type = support route queue support',
      '',
      'By assignee',
      '  2  mia',
      '  1  noah',
      '',
      'By pool',
      '  3  midmarket.*',
      '',
      'Queued, by queue',
      '  1  support',
      '',
      'Exceptions, by reason',
      '  2  no pool matches segment=smb, geo=(blank)',
      '     e.g. ivy@harbor.com (line 6)',
      '  1  invalid JSON on line 7: Unexpected token',
      '     e.g. line 7',
      '',
    ].join('\n'),
  );
});

test('long tables show the top rows and sum the rest', () => {
  const s = new RouteSummary();
  for (let i = 0; i < 30; i++) for (let k = 0; k <= i; k++) s.add(decision({ assignee: `rep${String(i).padStart(2, '0')}` }), null, `line ${i}`);
  const text = s.format({ policy: 'p', leads: 'x', now: new Date(0) });
  const assignees = text.slice(text.indexOf('By assignee'));
  expect(assignees).toContain('\n  30  rep29');
  expect(assignees).not.toContain('rep04');
  expect(assignees).toContain('\n  15  ... 5 more'); // rep00..rep04: 1+2+3+4+5
});
