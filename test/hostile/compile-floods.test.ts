// Issue 11, item 1: error floods neither hang nor crash the compiler. Every kind of diagnostic
// counts toward one cap, the source is split once, long lines are cut to a window, costly regexes
// are refused, and compilePolicy throws only PolicyError. Costs are bounded by CPU time with a
// wide margin (before the cap, 16,000 lexer errors took over 4 CPU seconds and grew with the square).
import { randomBytes } from 'node:crypto';
import { compilePolicy } from '../../compiler/compile';
import { MAX_DIAGNOSTICS, PolicyError, TOO_MANY } from '../../dsl/diagnostics';
import { MAX_PATTERN_STEPS } from '../../dsl/checker';
import { cpuSeconds } from './cpu';

function failure(source: string): PolicyError {
  try {
    compilePolicy(source);
  } catch (err) {
    if (err instanceof PolicyError) return err;
    throw err;
  }
  throw new Error('the policy compiled');
}

describe('error floods', () => {
  test('16,000 lines of unexpected characters: 50 diagnostics and one more, in bounded time and output', () => {
    const { result: err, seconds } = cpuSeconds(() => failure(`policy "x"\n${'@\n'.repeat(16_000)}`));
    expect(seconds).toBeLessThan(2);
    expect(err.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(err.diagnostics.at(-1)).toMatchObject({ severity: 'error', code: TOO_MANY, span: { line: MAX_DIAGNOSTICS + 2 } });
    expect(err.message.length).toBeLessThan(10_000);
  });

  test.each([8_000, 40_000, 200_000])('%i characters of errors on one line: a PolicyError with each excerpt cut to a window', (size) => {
    const { result: err, seconds } = cpuSeconds(() => failure(`policy "x"\n${'@ '.repeat(size / 2)}`));
    expect(seconds).toBeLessThan(2);
    expect(err.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    const excerpts = err.message.split('\n').filter((line) => line.startsWith('2 | '));
    expect(excerpts).toHaveLength(MAX_DIAGNOSTICS + 1);
    for (const line of excerpts) expect(line.length).toBeLessThanOrEqual('2 | '.length + 162);
    // The caret stands under the character it names, after a cut window's leading `…` too.
    const lines = err.message.split('\n');
    const headers = lines.flatMap((line, i) => (line.startsWith('policy:2:') ? [i] : []));
    expect(lines[headers.at(-2) as number + 1]).toMatch(/^2 \| …@ @/);
    for (const i of headers) expect(lines[i + 1].charAt(lines[i + 2].indexOf('^'))).toBe('@');
  });

  test('200 KB of random bytes: diagnostics within the cap and a bounded message', () => {
    const source = randomBytes(200_000).toString('utf8');
    const { result: err, seconds } = cpuSeconds(() => failure(source));
    expect(seconds).toBeLessThan(3);
    expect(err.diagnostics.length).toBeLessThanOrEqual(MAX_DIAGNOSTICS + 1);
    expect(err.message.length).toBeLessThan(100_000);
  });

  test('diagnostics of the checker count toward the same cap; a cut that hides only warnings stays a warning', () => {
    const unknown = failure(`policy "x"\n${Array.from({ length: 60 }, (_, i) => `when t = ${i} route round_robin(nope${i})`).join('\n')}\nfallback queue f`);
    expect(unknown.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(unknown.diagnostics.at(-1)).toMatchObject({ severity: 'error', code: TOO_MANY });

    const policy = compilePolicy(`policy "x"\n${Array.from({ length: 60 }, (_, i) => `pool unused${i} = [a]`).join('\n')}\nelse queue q\nfallback queue f`);
    expect(policy.warnings).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(policy.warnings.at(-1)).toMatchObject({ severity: 'warning', code: TOO_MANY });
  });
});

describe('costly patterns', () => {
  test('a repetition of a repetition past the step bound is refused with the reason', () => {
    const err = failure('policy "x"\nwhen note matches "(.*a){1000}" route queue q\nfallback queue f');
    expect(err.diagnostics).toEqual([
      expect.objectContaining({ code: 'invalid-regex', message: expect.stringContaining(`the pattern compiles to 5002 steps, more than the ${MAX_PATTERN_STEPS} allowed`) }),
    ]);
    expect(failure('policy "x"\nwhen note matches "a{1000}" route queue q\nfallback queue f').diagnostics[0].code).toBe('invalid-regex');
  });

  test('ordinary validation patterns stay well inside the bound', () => {
    for (const pattern of ['^\\\\+1[0-9]{10}$', '^[a-z0-9._%+-]+@[a-z0-9.-]+\\\\.[a-z]{2,}$', '(?i)^(acme|globex|initech|umbrella|hooli|vandelay|wayne|stark|wonka|tyrell)$', '(.*a){20}']) {
      expect(() => compilePolicy(`policy "x"\nwhen note matches "${pattern}" route queue q\nfallback queue f`)).not.toThrow();
    }
  });
});
