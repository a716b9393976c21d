// Generated policies (and their leads) for the scaling and compile-time tables. All generation is
// seeded and deterministic, so every run compiles and routes the same text.

/** A small seeded PRNG (mulberry32): [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------- territory scaling

/** Arms the territory values are split across. */
export const SCALING_ARMS = 4;

/** Code number k of a list of n: upper-case letters, as short as n allows but at least two (`AA`, `AB`, ...). */
function territoryCode(k: number, n: number): string {
  let width = 2;
  while (26 ** width < n) width++;
  let code = '';
  for (let i = 0, x = k; i < width; i++, x = Math.floor(x / 26)) code = String.fromCharCode(65 + (x % 26)) + code;
  return code;
}

/**
 * A policy whose `dimension geo by country` lists `n` codes split across SCALING_ARMS arms
 * (each arm's value has its own pool), plus an `otherwise` arm. No `fields` block: the codes
 * are country-like, not ISO countries.
 */
export function scalingPolicy(n: number): string {
  const perArm = Math.ceil(n / SCALING_ARMS);
  const arms: string[] = [];
  const pools: string[] = [];
  for (let a = 0; a < SCALING_ARMS; a++) {
    const codes: string[] = [];
    for (let k = a * perArm; k < Math.min(n, (a + 1) * perArm); k++) codes.push(territoryCode(k, n));
    arms.push(`  t${a} when in [${codes.join(', ')}]`);
    pools.push(`pool t${a} = [rep${a}a, rep${a}b, rep${a}c]`);
  }
  return [
    `policy "territories-${n}"`,
    '',
    'dimension geo by country {',
    ...arms,
    '  other otherwise',
    '}',
    '',
    ...pools,
    'pool other = [overflow1, overflow2]',
    '',
    'else by geo then round_robin(pool) sla 1h',
    '',
    'fallback queue exceptions',
    '',
  ].join('\n');
}

/** Leads whose countries are spread over the whole list of `n` codes, half in lower case. */
export function scalingLeads(n: number, count: number, seed = 7): Record<string, unknown>[] {
  const rand = seededRandom(seed);
  const leads: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const code = territoryCode(Math.floor(rand() * n), n);
    leads.push({ email: `lead${i}@example.com`, country: rand() < 0.5 ? code : code.toLowerCase() });
  }
  return leads;
}

// ---------------------------------------------------------------- many rules

const COUNTRIES = ['US', 'CA', 'MX', 'GB', 'IE', 'DE', 'FR', 'NL', 'ES', 'IT', 'SE', 'JP', 'AU', 'IN', 'BR', 'SG', 'NZ', 'ZA'];
const TYPES = ['demo', 'contact', 'content_download', 'support'];
const STATUSES = ['none', 'customer', 'open_opportunity', 'churned'];
const SOURCES = ['paid_search', 'partner', 'organic', 'webinar', 'referral', 'event'];
const PRODUCTS = ['payments', 'billing', 'analytics', 'platform', 'identity'];
const LANGUAGES = ['en', 'de', 'fr', 'es', 'ja'];

/**
 * A policy with `ruleCount` rules whose conditions vary over every declared field and both
 * dimensions, with every kind of test and target. Each rule also names its own campaign, as the
 * rules of large real policies (territories, campaigns) are distinct, so that no rule shadows a
 * later one. `variant` goes into a comment, so each variant has a different hash and misses the
 * compile cache.
 */
export function manyRulesPolicy(ruleCount: number, variant: number, seed = 11): string {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const some = <T>(xs: readonly T[], max: number): T[] => {
    const chosen = new Set<T>();
    const k = 1 + Math.floor(rand() * max);
    while (chosen.size < k) chosen.add(pick(xs));
    return [...chosen];
  };
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

  const atoms: (() => string)[] = [
    () => `employees >= ${int(1, 5000)}`,
    () => `employees < ${int(1, 5000)}`,
    () => {
      const low = int(0, 4000);
      return `revenue between ${low} and ${low + int(1, 100000)}`;
    },
    () => `score > ${int(0, 100)}`,
    () => `country in [${some(COUNTRIES, 5).join(', ')}]`,
    () => `country not in [${some(COUNTRIES, 3).join(', ')}]`,
    () => `type = ${pick(TYPES)}`,
    () => `type != ${pick(TYPES)}`,
    () => `account.status = ${pick(STATUSES)}`,
    () => `account.owner is not blank`,
    () => `language is blank`,
    () => `source in [${some(SOURCES, 3).join(', ')}]`,
    () => `source contains "${pick(['search', 'part', 'web'])}"`,
    () => `product starts with "${pick(PRODUCTS).slice(0, 3)}"`,
    () => `email ends with "@${pick(['acme.com', 'example.org', 'corp.io'])}"`,
    () => `language = ${pick(LANGUAGES)}`,
    () => `segment = ${pick(['enterprise', 'midmarket', 'smb'])}`,
    () => `geo != ${pick(['na', 'emea', 'apac'])}`,
    () => `product matches "^(${some(PRODUCTS, 2).join('|')})$"`,
  ];
  const atom = () => pick(atoms)();
  const condition = (): string => {
    const shape = rand();
    if (shape < 0.3) return atom();
    if (shape < 0.6) return `${atom()} and ${atom()}`;
    if (shape < 0.8) return `not ${atom()} and ${atom()}`;
    return `(${atom()} or ${atom()}) and ${atom()}`;
  };
  const target = () => {
    const t = rand();
    if (t < 0.3) return `queue q${int(0, 40)}`;
    if (t < 0.5) return `rep rep${int(0, 60)}`;
    if (t < 0.75) return `${pick(['round_robin', 'weighted', 'least_loaded', 'first_available'])}(team${int(0, 19)}) or queue overflow`;
    return 'by segment then geo then round_robin(pool)';
  };
  const modifiers = () => {
    const m: string[] = [];
    if (rand() < 0.5) m.push(`sla ${pick(['5m', '30m', '4h', '1d'])}`);
    if (rand() < 0.3) m.push(`priority ${pick(['low', 'high', 'urgent'])}`);
    if (rand() < 0.3) m.push(`tag t${int(0, 9)}`);
    return m.length > 0 ? ` ${m.join(' ')}` : '';
  };

  const lines = [
    `# compile-time bench, variant ${variant}`,
    `policy "many-rules-${ruleCount}"`,
    '',
    'fields {',
    '  email: email',
    '  country: country',
    '  employees: number',
    '  revenue: number',
    '  score: number',
    `  type: enum(${TYPES.join(', ')})`,
    '  source: text',
    '  product: text',
    '  language: text',
    '  campaign: text',
    `  account.status: enum(${STATUSES.join(', ')})`,
    '  account.owner: text',
    '}',
    '',
    'dimension segment by employees {',
    '  enterprise when >= 1000',
    '  midmarket  when >= 200',
    '  smb        otherwise',
    '}',
    '',
    'dimension geo by country {',
    '  na   when in [US, CA, MX]',
    '  emea when in [GB, IE, DE, FR, NL, ES, IT, SE]',
    '  apac otherwise',
    '}',
    '',
    'pool enterprise.na = [alice, bob, carol]',
    'pool enterprise.* = [zoe]',
    'pool midmarket.* = [mia, noah]',
    'pool smb.* = [frank cap 40/day, gina cap 40/day] hours "Mon-Fri 08:00-18:00" tz "America/New_York"',
  ];
  for (let t = 0; t < 20; t++) lines.push(`pool team${t} = [m${t}a, m${t}b weight 2, m${t}c]`);
  lines.push('', 'sticky by email for 30d', '');
  for (let r = 0; r < ruleCount - 1; r++) lines.push(`when campaign = cmp-${r} and ${condition()} route ${target()}${modifiers()}`);
  lines.push('else by segment then geo then round_robin(pool) sla 1d', '', 'fallback queue exceptions', '');
  return lines.join('\n');
}
