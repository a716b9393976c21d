// A small policy and 21 leads whose simulation figures are counted by hand in
// test/analysis/simulate.test.ts (and drawn in test/pages/chromium.test.ts). Every lead is
// routed at NOW, a Monday at 15:00 UTC: dee (weekends only) is outside hours for all of them.

export const NOW = '2026-11-23T15:00:00Z';

export const POLICY = `policy "sim-fixture"

fields {
  country: country
  employees: number
  type: enum(demo, contact, support)
}

dimension size by employees {
  big   when >= 100
  small otherwise
}

pool big.us  = [ann, ben weight 3]
pool big.gb  = [cal when type = demo, dee hours "Sat-Sun 09:00-17:00" tz "UTC"]
pool small.* = [dan cap 1/day, eve cap 1/day]
pool spare   = [fay]

when type = support route queue support
when employees >= 1000000 route round_robin(spare)
when country in [US, GB] and type = demo route by size then country then weighted(pool) sla 5m priority high
else by size then country then weighted(pool) sla 1d

fallback queue exceptions
`;

const lead = (country: string, employees: number | string, type: string) => JSON.stringify({ country, employees, type });

/** JSON Lines: line n is lead n. */
export const LEADS = [
  lead('US', 500, 'demo'), // 1: rule 2, big.us
  lead('US', 800, 'contact'), // 2: rule 3, big.us
  lead('US', 150, 'demo'), // 3: rule 2, big.us
  lead('US', 2000, 'contact'), // 4: rule 3, big.us
  lead('GB', 300, 'demo'), // 5: rule 2, big.gb: cal (dee outside hours)
  lead('GB', 300, 'contact'), // 6: rule 3, big.gb: nobody (cal's filter, dee's hours)
  lead('GB', 120, 'contact'), // 7: the same
  lead('DE', 400, 'demo'), // 8: rule 3, no pool big.de: fallback
  lead('FR', 50, 'contact'), // 9: rule 3, small.* (wildcard): dan
  lead('US', 20, 'demo'), // 10: rule 2, small.*: dan at cap, eve
  lead('FR', 10, 'contact'), // 11: rule 3, small.*: both at cap
  lead('US', 10, 'support'), // 12: rule 0, queue support
  lead('GB', 5000, 'support'), // 13: rule 0
  lead('', 300, 'contact'), // 14: country blank: no pool big.(blank)
  lead('Narnia', 300, 'contact'), // 15: country unreadable: the same
  lead('US', 'lots', 'contact'), // 16: employees unreadable: small, both at cap
  lead('GB', 300, 'webinar'), // 17: type unreadable: rule 3, big.gb: nobody
  '{not json', // 18: unreadable
  lead('US', 10, 'support'), // 19: rule 0
  lead('DE', 10, 'support'), // 20: rule 0
  lead('FR', 10, 'support'), // 21: rule 0
].join('\n');
