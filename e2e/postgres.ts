// PostgreSQL for n8n's database in queue mode: the server this kind of machine runs on
// 127.0.0.1:5432 when it answers with trust authentication for `postgres`, otherwise a cluster
// of the test's own started from Debian's package (/usr/lib/postgresql/<major>/bin, installed by
// .ci/run) in a temporary folder on a free port. Either way the test gets a database of its own,
// dropped (and its own cluster stopped and removed) at the end.

import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, nodeEnv, run, type RunResult } from './processes.ts';

const HOST = '127.0.0.1';
const USER = 'postgres';

export interface PostgresDatabase {
  port: number;
  database: string;
  /** Where it came from, for the test's output. */
  origin: string;
  /** n8n's settings for it (DB_TYPE=postgresdb and DB_POSTGRESDB_*). */
  n8nEnv: NodeJS.ProcessEnv;
  /** Drops the database (and stops and removes a cluster of our own). */
  drop(): Promise<void>;
}

function psql(port: number, sql: string): Promise<RunResult> {
  // -w: never ask for a password (a server that wants one is not ours to use).
  return run('psql', ['-h', HOST, '-p', String(port), '-U', USER, '-d', 'postgres', '-w', '-v', 'ON_ERROR_STOP=1', '-Atc', sql], { cwd: tmpdir(), env: nodeEnv(), timeoutMs: 60_000 });
}

async function psqlOk(port: number, sql: string): Promise<void> {
  const result = await psql(port, sql);
  if (result.code !== 0) throw new Error(`psql on ${HOST}:${port}: ${sql}: ${result.stderr}`);
}

/** Debian's PostgreSQL programs (the newest major installed), or null. */
function debianBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length === 0 ? null : join(root, majors[0], 'bin');
}

interface OwnCluster {
  port: number;
  stop(): Promise<void>;
}

/** initdb + pg_ctl start in a temporary folder; as root, the programs run as the `postgres` user (initdb refuses root). */
async function startOwnCluster(): Promise<OwnCluster> {
  const bin = debianBinaries();
  if (bin === null) throw new Error(`nothing answers on ${HOST}:5432 and Debian's PostgreSQL is not installed (apt-get install postgresql; .ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'leadroute-e2e-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const ids = await run('id', ['-u', USER], { cwd: dir, env: nodeEnv() });
    const gids = await run('id', ['-g', USER], { cwd: dir, env: nodeEnv() });
    if (ids.code !== 0) throw new Error(`running as root and there is no ${USER} user to run PostgreSQL as`);
    chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
  }
  const pg = async (program: string, args: string[]): Promise<void> => {
    const [command, all] = asRoot ? ['runuser', ['-u', USER, '--', join(bin, program), ...args]] : [join(bin, program), args];
    const result = await run(command, all, { cwd: dir, env: nodeEnv(), timeoutMs: 120_000 });
    if (result.code !== 0) throw new Error(`${program} ${args.join(' ')} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  };
  const port = await freePort();
  await pg('initdb', ['-D', data, '-U', USER, '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  // A throw-away cluster: no fsync; its socket in its own folder.
  await pg('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -c listen_addresses=${HOST} -k ${dir} -c fsync=off`, 'start']);
  return {
    port,
    async stop(): Promise<void> {
      try {
        await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A database of the test's own, named after `tag`. */
export async function postgresDatabase(tag: string): Promise<PostgresDatabase> {
  const machine = (await psql(5432, 'select 1')).code === 0;
  const own = machine ? null : await startOwnCluster();
  const port = own?.port ?? 5432;
  const database = `leadroute_e2e_${tag}_${process.pid}_${Date.now()}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  try {
    await psqlOk(port, `CREATE DATABASE "${database}"`);
  } catch (error) {
    await own?.stop();
    throw error;
  }
  return {
    port,
    database,
    origin: own === null ? `the server on ${HOST}:5432` : `a cluster of our own on ${HOST}:${port}`,
    n8nEnv: {
      DB_TYPE: 'postgresdb',
      DB_POSTGRESDB_HOST: HOST,
      DB_POSTGRESDB_PORT: String(port),
      DB_POSTGRESDB_DATABASE: database,
      DB_POSTGRESDB_USER: USER,
      DB_POSTGRESDB_PASSWORD: '',
    },
    async drop(): Promise<void> {
      try {
        // WITH (FORCE): n8n's connections may linger a moment after its processes stop.
        await psqlOk(port, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await own?.stop();
      }
    },
  };
}
