// Bad input gets a clear answer, never a crash: random and mutated policies given to
// compilePolicy give back a compiled policy or a PolicyError carrying diagnostics, nothing else;
// and whatever compiles decides on hostile leads without throwing.
import * as fc from 'fast-check';
import { compilePolicy } from '../compiler/compile';
import { PolicyError } from '../dsl/diagnostics';

const SEEDS = [
  'policy "p"\npool team = [ana, ben weight 2]\nwhen type = demo route round_robin(team) sla 5m\nelse queue triage\nfallback queue exceptions',
  'dimension seg by employees { big when >= 1000 small otherwise }\npool big = [a]\npool small = [b cap 3/day]\nwhen country in [US, CA] route by seg then first_available(pool) or queue q\nelse rep zed',
  'fields { email: email\n type: enum(demo, support)\n n: number }\nsticky by email for 30d\nwhen type = demo and not (n between 1 and 9) route queue "a b" priority urgent tag x\nfallback queue exceptions',
  'pool p = ["x@y.com" when lang = de, y] hours "Mon-Fri 09:00-17:00" tz "Europe/Berlin" holidays [2026-12-25]\nwhen email matches "^[a-z]+@" route least_loaded(p) sla 2h business escalate to next, rep boss, queue exc\nfallback queue exc',
  'dimension intent { high when type = demo or source in [ppc, partner] low otherwise }\npool high = [a]\npool * = [b]\nwhen intent = high route by intent then by_bid(pool)\nelse owner(crm.owner)',
];

const VOCABULARY = [
  'when', 'else', 'route', 'or', 'and', 'not', 'in', 'between', 'is', 'blank', 'matches', 'contains', 'starts', 'with', 'ends',
  'pool', 'dimension', 'by', 'then', 'fields', 'policy', 'fallback', 'queue', 'rep', 'owner', 'sticky', 'for', 'sla', 'business',
  'priority', 'tag', 'escalate', 'to', 'next', 'weight', 'cap', 'hours', 'tz', 'holidays', 'otherwise', 'rules', 'enum',
  '=', '!=', '<', '<=', '>', '>=', '(', ')', '[', ']', '{', '}', ',', ';', ':', '.', '*', '/', '"', '\\', '#',
  '"unterminated', '"a\\"b"', '"${x}"', '"</script>"', '__proto__', 'constructor', 'prototype', 'toString',
  '0', '-1', '1e999', '99999999999999999999', '1.5', '0m', '5x', '30d', '2026-02-30', '"(a+)+$"', '"(a)\\\\1"', '"(?=x)"',
  '"Mars/Olympus"', '"Mon-Fri 25:00-26:00"', '"\\u0000"', '\u0000', '\u2028', 'ÿ', '🙂', 'ent_n\u0430', '\t', '\n', ' ',
];

/** A policy with random edits: tokens inserted, ranges deleted or repeated, characters replaced. */
const mutatedPolicy = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(
      fc.tuple(fc.nat(), fc.nat(40), fc.constantFrom('insert', 'delete', 'repeat', 'replace'), fc.constantFrom(...VOCABULARY), fc.string({ maxLength: 3 })),
      { minLength: 1, maxLength: 6 },
    ),
  )
  .map(([seed, edits]) => {
    let s = seed;
    for (const [at, len, op, word, chars] of edits) {
      const i = at % (s.length + 1);
      if (op === 'insert') s = `${s.slice(0, i)} ${word} ${s.slice(i)}`;
      else if (op === 'delete') s = s.slice(0, i) + s.slice(i + len);
      else if (op === 'repeat') s = s.slice(0, i + len) + s.slice(i, i + len) + s.slice(i + len);
      else s = s.slice(0, i) + chars + s.slice(i + chars.length);
    }
    return s;
  });

/** Random token soup and random text. */
const randomPolicy = fc.oneof(
  fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 60 }).map((ws) => ws.join(' ')),
  fc.string({ maxLength: 200, unit: 'binary' }),
);

const hostileLead = fc.oneof(
  fc.jsonValue(),
  fc.constant(JSON.parse('{"__proto__": {"type": "demo"}, "constructor": {"prototype": 1}, "type": ["demo", null]}')),
  fc.dictionary(fc.constantFrom('type', 'email', 'country', 'employees', 'n', 'lang', 'source', 'crm'), fc.jsonValue()),
);

function compileOrDiagnose(source: string): ReturnType<typeof compilePolicy> | null {
  try {
    return compilePolicy(source);
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    expect(e.diagnostics.length).toBeGreaterThan(0);
    for (const d of e.diagnostics) expect(d.span.line).toBeGreaterThanOrEqual(1);
    return null;
  }
}

// `npm test` runs a bounded share (about a minute on a loaded 2-core machine), with a fresh seed
// each time, printed so that a failure can be replayed (FUZZ_SEED=<seed> npx jest test/fuzz);
// `npm run fuzz` runs the full 100,000 cases.
const RUNS = Number(process.env.FUZZ_RUNS ?? 15_000);
const SEED = process.env.FUZZ_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED);

test(`${RUNS} random and mutated policies give diagnostics or a working policy, never a crash`, () => {
  process.stdout.write(`fuzz: ${RUNS} cases, seed ${SEED} (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} npx jest test/fuzz)\n`);
  let compiled = 0;
  fc.assert(
    fc.property(fc.oneof({ weight: 4, arbitrary: mutatedPolicy }, { weight: 1, arbitrary: randomPolicy }), hostileLead, (source, lead) => {
      const policy = compileOrDiagnose(source);
      if (policy === null) return;
      compiled++;
      const pending = policy.decide(lead, { now: '2026-11-23T15:00:00Z' });
      expect(pending.at).toBe(Date.parse('2026-11-23T15:00:00Z'));
    }),
    { numRuns: RUNS, seed: SEED },
  );
  // The mutations must keep some policies valid, or the decide() half proves nothing.
  expect(compiled).toBeGreaterThan(RUNS / 50);
}, 1_800_000);
