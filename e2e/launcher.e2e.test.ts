// `npm run n8n` as a builder uses it: it prints the address of an n8n that has the pack and the
// published example workflows, Ctrl-C (SIGINT to the launcher, as the terminal sends it; n8n
// runs in a process group of its own) stops n8n and its task runners and frees the port, and a
// second start keeps the user folder: nothing is imported again and the routing state goes on.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readExampleWorkflow } from './prepare.ts';
import { freePort, isPortFree, nodeEnv } from './processes.ts';
import { webhookPath } from './workflows.ts';

const repoRoot = resolve(__dirname, '..');
const folder = mkdtempSync(join(tmpdir(), 'leadroute-e2e-launcher-'));
/** Launchers still running, stopped after a failure. */
const running = new Set<() => Promise<number | null>>();

afterAll(async () => {
  for (const interrupt of running) await interrupt();
  if (process.env.E2E_KEEP === '1') console.log(`e2e: kept launcher folder ${folder}`);
  else rmSync(folder, { recursive: true, force: true });
});

interface Launch {
  address: string;
  processGroup: number;
  output(): string;
  /** Sends SIGINT, as Ctrl-C does, and resolves with the exit code. */
  interrupt(): Promise<number | null>;
}

const RUNNING = /is running at (http:\/\/\S+?)\/ \(process group (\d+)\)/;

/** Starts `node e2e/start-n8n.ts` (what `npm run n8n` runs) and waits for its address. */
function launch(port: number): Promise<Launch> {
  const child = spawn(process.execPath, [join(repoRoot, 'e2e', 'start-n8n.ts'), '--folder', folder, '--port', String(port)], {
    cwd: repoRoot,
    env: nodeEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const interrupt = (): Promise<number | null> => {
    running.delete(interrupt);
    child.kill('SIGINT');
    return exited;
  };
  running.add(interrupt);
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`no address after 5 minutes:\n${printed.slice(-4000)}`)), 300_000);
    const collect = (chunk: Buffer): void => {
      printed += chunk.toString('utf8');
      const running = RUNNING.exec(printed);
      if (running === null) return;
      clearTimeout(timer);
      ready({
        address: running[1],
        processGroup: Number(running[2]),
        output: () => printed,
        interrupt,
      });
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`the launcher exited (code ${String(code)}) before printing its address:\n${printed.slice(-4000)}`));
    });
  });
}

function groupAlive(processGroup: number): boolean {
  try {
    process.kill(-processGroup, 0);
    return true;
  } catch {
    return false;
  }
}

async function routedAssignee(address: string, path: string): Promise<unknown> {
  const post = () =>
    fetch(`${address}/webhook/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@bigcorp.example', type: 'demo', employees: 1500 }),
    });
  let response = await post();
  // On a loaded machine n8n may print its ready line a moment before the published webhooks
  // answer (seen once in CI): a 404 is tried again, a bounded number of times.
  for (let tries = 0; response.status === 404 && tries < 30; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    response = await post();
  }
  expect(response.status).toBe(200);
  // The example answers with the public view of the decision.
  return ((await response.json()) as { assignee?: unknown }).assignee;
}

test('npm run n8n prints the address of an n8n with the pack and the examples; Ctrl-C stops it; a restart keeps the folder', async () => {
  const inboundPath = webhookPath(readExampleWorkflow(repoRoot, 'leadrouteInbound'));
  if (inboundPath === null) throw new Error('the inbound example has no webhook');
  const port = await freePort();

  const first = await launch(port);
  expect(first.address).toBe(`http://127.0.0.1:${port}`);
  expect(first.output()).toContain('create the owner account');
  expect(first.output()).toContain(`${first.address}/webhook/${inboundPath}`);
  expect(await routedAssignee(first.address, inboundPath)).toBe('alice');
  expect(await first.interrupt()).toBe(0);
  expect(groupAlive(first.processGroup)).toBe(false);
  expect(await isPortFree(port)).toBe(true);

  const second = await launch(port);
  expect(second.output()).not.toContain('importing and publishing');
  expect(second.output()).toContain('Sign in with the owner account');
  // The SQLite routing state lives in the kept user folder: the rotation goes on.
  expect(await routedAssignee(second.address, inboundPath)).toBe('bob');
  expect(await second.interrupt()).toBe(0);
  expect(groupAlive(second.processGroup)).toBe(false);
});
