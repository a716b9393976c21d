import { duration, reportPage, shareText } from '../../pages/report';
import { HOSTILE_MARKUP, REPORT, SALES_REPORT } from './fixtures';

const count = (text: string, needle: string) => text.split(needle).length - 1;

test('durations and shares read as a person says them', () => {
  expect([duration(45_000), duration(240_000), duration(5_400_000), duration(3 * 86_400_000), duration(null)]).toEqual(['45 s', '4 min', '1.5 h', '3 d', '–']);
  expect(shareText({ count: 9, of: 12, percent: 75 })).toBe('75% (9 of 12)');
  expect(shareText({ count: 0, of: 0, percent: null })).toBe('–');
});

test('the report page shows the headline figures, a bar per owner, queue and week, and the tables', () => {
  const out = reportPage(REPORT);
  expect(out).toContain('<title>Routing report</title>');
  expect(out).toContain('Routed from 2026-11-16T00:00:00.000Z to 2026-11-30T00:00:00.000Z');
  // Bars: 2 queues waiting now, 4 owners (one never assigned, in the warning colour), 2 weeks × 2 charts.
  expect(count(out, '<rect class="bar')).toBe(2 + 4 + 2 + 2);
  expect(count(out, '<rect class="bar warn"')).toBe(1);
  expect(out).toContain('<dt>Worked within SLA</dt><dd>75%</dd>');
  expect(out).toContain('<td>never assigned</td><td class="n">2</td>');
  expect(out).toContain('<td>alice</td><td class="n">9</td><td>55.6% (5 of 9)</td>');
  // 2 of 20 exceptions is 10%: over the 5% alarm.
  expect(out).toContain('<div class="tile warn"><dt>Exceptions</dt><dd>10%</dd>');
  expect(out).toContain('More than 5% of leads ended as exceptions');
});

test('hostile owner and queue names reach the report page only as escaped text', () => {
  const out = reportPage(REPORT);
  for (const bad of HOSTILE_MARKUP) expect(out).not.toContain(bad);
  expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(out).toContain('&quot;&gt;&lt;b&gt;support&lt;/b&gt;');
  expect(out).toContain('<td>__proto__</td>');
});

test("the ping tree's sales show only when the report has them, buyers' names and reasons escaped", () => {
  expect(reportPage(REPORT)).not.toContain('<h2>Sales</h2>');
  const out = reportPage(SALES_REPORT);
  expect(out).toContain('<h2>Sales</h2>');
  expect(out).toContain('<td>Sold (not returned)</td><td>75% (9 of 12)</td>');
  expect(out).toContain('<td>Revenue per lead</td><td>34.38</td>');
  expect(out).toContain('<td>acme_ins</td><td class="n">8</td><td class="n">0</td><td class="n">6</td><td>75% (6 of 8)</td><td class="n">2</td><td>over budget 2</td>');
  expect(out).toContain('<td>300</td><td>12 s median · 20 s p75 · 26 s p90</td>');
  // One more bar per buyer (revenue).
  expect(count(out, '<rect class="bar')).toBe(2 + 4 + 2 + 2 + 2);
  for (const bad of HOSTILE_MARKUP) expect(out).not.toContain(bad);
  expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(out).toContain('&quot;&gt;&lt;b&gt;no&lt;/b&gt; 1');
});
