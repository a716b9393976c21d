import { auditPage, diffPage } from '../../pages/audit';
import { AUDIT, DIFF, HOSTILE_MARKUP } from './fixtures';

const count = (text: string, needle: string) => text.split(needle).length - 1;
test('the audit page draws agreement, disagreements and outcome rates, small groups marked', () => {
  const out = auditPage(AUDIT);
  // Bars: same / another / no owner; one disagreement; CONVERTED=Yes for the 2 owners.
  expect(count(out, '<rect class="bar')).toBe(3 + 1 + 2);
  expect(out).toContain('<dt>Owner as the policy says</dt><dd>75%</dd>');
  // alice converted 10 of 30 (not small); the hostile owner 2 of 6 (small, marked).
  expect(out).toContain('<td>alice</td><td class="n">30</td><td class="n">30</td><td>33.3%</td>');
  expect(out).toContain('<td class="n">6</td><td class="n">0</td><td>33.3% *</td>');
  for (const bad of HOSTILE_MARKUP) expect(out).not.toContain(bad);
  expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt; → alice');
});

test('the diff page draws one bar per move, names escaped', () => {
  const out = diffPage(DIFF);
  expect(count(out, '<rect class="bar')).toBe(2);
  expect(out).toContain('<dt>Share that changes</dt><dd>30%</dd>');
  expect(out).toContain('<li>line 3: &lt;script&gt;bad&lt;/script&gt; is not JSON</li>');
  expect(out).toContain('2 leads had no time to route at and went to the fallback:</p><ul><li>line 5: no time to route at: created_at is blank</li>');
  expect(out).toContain('<td>rep:mia</td><td>rep:__proto__</td><td class="n">2</td><td>1, 4</td>');
  for (const bad of HOSTILE_MARKUP) expect(out).not.toContain(bad);
});
