// Issue 11, beside test/fuzz.test.ts: text that floods the compiler with errors (lexer-error
// floods, deep nesting, random bytes up to 200 KB) gets its diagnostics within a CPU-time bound,
// at most MAX_DIAGNOSTICS and one more, in a message of bounded size.
import * as fc from 'fast-check';
import { compilePolicy } from '../compiler/compile';
import { MAX_DIAGNOSTICS, PolicyError } from '../dsl/diagnostics';
import { cpuSeconds } from './hostile/cpu';

/** `length` bytes from a seeded xorshift, read as UTF-8 (invalid sequences become U+FFFD). */
function pseudoRandomText(seed: number, length: number): string {
  const bytes = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return Buffer.from(bytes).toString('utf8');
}

const floodPolicy = fc.oneof(
  fc
    .tuple(fc.constantFrom('@', '$', '`', "'", '&&', '\u0000', '\u001b[2J', '\u202e', '🙂', '"', 'when', '(', '[', '{'), fc.constantFrom('\n', ' ', ''), fc.integer({ min: 1_000, max: 50_000 }))
    .map(([unit, gap, count]) => `policy "x"\n${(unit + gap).repeat(count)}`),
  fc.tuple(fc.constantFrom('(', 'not ', '[', '{', '(('), fc.integer({ min: 100, max: 100_000 })).map(([open, depth]) => `when ${open.repeat(depth)} route queue q`),
  fc.tuple(fc.integer(), fc.integer({ min: 1, max: 200_000 })).map(([seed, length]) => pseudoRandomText(seed, length)),
);

test('error floods, deep nesting and random bytes up to 200 KB: capped diagnostics, bounded CPU time and message size', () => {
  fc.assert(
    fc.property(floodPolicy, (source) => {
      const { result: diagnostics, seconds } = cpuSeconds(() => {
        try {
          compilePolicy(source);
          return [];
        } catch (e) {
          if (!(e instanceof PolicyError)) throw e;
          expect(e.message.length).toBeLessThan(64 * 1024);
          return e.diagnostics;
        }
      });
      expect(seconds).toBeLessThan(3);
      expect(diagnostics.length).toBeLessThanOrEqual(MAX_DIAGNOSTICS + 1);
    }),
    { numRuns: 40, seed: process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED) },
  );
}, 120_000);
