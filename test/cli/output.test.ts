import { PassThrough, Writable } from 'node:stream';
import { ChunkedWriter, isBrokenPipe, Progress, PROGRESS_EVERY_ENV, progressOf } from '../../cli/output';
import { CliError, parseCommandArgs, parseNow } from '../../cli/io';

/** A sink that takes one small write at a time, asynchronously: write() returns false almost always. */
function slowSink(): { stream: Writable; chunks: string[]; maxPending: () => number } {
  const chunks: string[] = [];
  let pending = 0;
  let maxPending = 0;
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      pending = stream.writableLength;
      maxPending = Math.max(maxPending, pending);
      chunks.push(chunk.toString());
      setImmediate(done);
    },
  });
  return { stream, chunks, maxPending: () => maxPending };
}

describe('ChunkedWriter', () => {
  test('keeps order and waits for drain, so the stream never holds more than one chunk', async () => {
    const sink = slowSink();
    const writer = new ChunkedWriter(sink.stream);
    const lines: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const line = `{"n":${i}}\n`;
      lines.push(line);
      if (writer.push(line)) await writer.flush();
    }
    await writer.flush();
    expect(sink.chunks.join('')).toBe(lines.join(''));
    // Each flush writes about 64 KB and then waits: the sink never queues a second chunk.
    expect(sink.chunks.length).toBeGreaterThan(1);
    expect(sink.maxPending()).toBeLessThan(2 * 70 * 1024);
  });

  test('a closed reader (EPIPE) rejects the flush instead of crashing', async () => {
    const out = new PassThrough();
    const writer = new ChunkedWriter(out);
    out.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await new Promise((r) => setImmediate(r));
    writer.push('x\n');
    const failure = writer.flush();
    await expect(failure).rejects.toThrow('EPIPE');
    expect(isBrokenPipe(await failure.catch((e: unknown) => e))).toBe(true);
  });
});

describe('Progress', () => {
  test('writes to a terminal at most every 250 ms, looking at the clock every 1024 leads', () => {
    const err = new PassThrough();
    let t = 0;
    let reads = 0;
    const progress = new Progress(err, 'terminal', () => {
      reads++;
      return t;
    });
    for (let i = 1; i <= 4096; i++) progress.tick(i);
    expect(reads).toBe(1 + 4); // start, then one look per 1024
    expect(err.read()).toBeNull(); // the clock did not move: nothing written
    t = 1000;
    progress.tick(5120);
    expect(String(err.read())).toBe('\r\x1b[K  5,120 leads  5,120 leads/s');
    progress.done(6000);
    expect(String(err.read())).toBe('\r\x1b[K  6,000 leads in 1.0s (6,000 leads/s)\n');
  });

  test('elsewhere, writes a plain line every so many leads, then the count and rate after one', () => {
    const err = new PassThrough();
    let t = 0;
    const progress = new Progress(err, { command: 'simulate', verb: 'routed', every: 1000 }, () => t);
    for (let i = 1; i <= 2500; i++) progress.tick(i);
    t = 2000;
    progress.done(2500);
    expect(String(err.read())).toBe('simulate: 1,000 leads routed\nsimulate: 2,000 leads routed\nsimulate: 2,500 leads routed in 2.0s (1,250 leads/s)\n');
  });

  test('elsewhere, a run shorter than one interval, or every 0, writes nothing', () => {
    for (const every of [5001, 0]) {
      const err = new PassThrough();
      const progress = new Progress(err, { command: 'route', verb: 'routed', every }, () => 1e9);
      for (let i = 0; i <= 5000; i++) progress.tick(i);
      progress.done(5000);
      expect(err.read()).toBeNull();
    }
  });

  test(`progressOf takes the interval from ${PROGRESS_EVERY_ENV}; a bad one is a usage error`, () => {
    const err = new PassThrough();
    const progress = progressOf('audit', 'read', { stderr: err, stderrIsTTY: false, env: { [PROGRESS_EVERY_ENV]: '2' } });
    for (let i = 1; i <= 3; i++) progress.tick(i);
    expect(String(err.read())).toBe('audit: 2 leads read\n');
    for (const bad of ['-1', 'ten', '1.5']) {
      expect(() => progressOf('audit', 'read', { stderr: err, stderrIsTTY: false, env: { [PROGRESS_EVERY_ENV]: bad } })).toThrow(`leadroute audit: ${PROGRESS_EVERY_ENV}=${bad}: expected a whole number of leads`);
    }
  });
});

describe('arguments', () => {
  test('unknown options, missing and extra positionals are usage errors (exit 2) naming the command', () => {
    const options = { now: { type: 'string' as const } };
    const attempt = (argv: string[]) => () => parseCommandArgs('route', argv, options, ['POLICY', 'LEADS']);
    expect(attempt(['p.route', 'l.csv', '--bogus'])).toThrow("leadroute route: unknown option '--bogus'");
    expect(attempt(['p.route'])).toThrow('leadroute route: missing LEADS');
    expect(attempt([])).toThrow('leadroute route: missing POLICY and LEADS');
    expect(attempt(['a', 'b', 'c'])).toThrow("leadroute route: unexpected argument 'c'");
    expect(attempt(['a', 'b', '--now'])).toThrow("leadroute route: option '--now <value>' argument missing");
    try {
      attempt(['--bogus', 'a', 'b'])();
    } catch (err) {
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(2);
      expect((err as CliError).message).toContain("Run 'leadroute route --help' for usage.");
    }
    expect(parseCommandArgs('route', ['--help'], options, ['POLICY', 'LEADS']).help).toBe(true);
    expect(parseCommandArgs('route', ['a', 'b', '--now', 'x'], options, ['POLICY', 'LEADS']).values.now).toBe('x');
  });

  test('--now takes ISO 8601, UTC unless it says, and rejects anything else by name', () => {
    expect(parseNow('route', '2026-11-23T15:00:00Z')?.toISOString()).toBe('2026-11-23T15:00:00.000Z');
    expect(parseNow('route', '2026-11-23T16:00:00+01:00')?.toISOString()).toBe('2026-11-23T15:00:00.000Z');
    expect(parseNow('route', '2026-11-23T15:00')?.toISOString()).toBe('2026-11-23T15:00:00.000Z');
    expect(parseNow('route', undefined)).toBeUndefined();
    for (const bad of ['yesterday', '2026-02-30T10:00:00Z', '23/11/2026', '']) {
      expect(() => parseNow('route', bad)).toThrow(`leadroute route: invalid --now '${bad}'`);
    }
  });
});
