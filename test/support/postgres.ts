import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { withCacheLock } from './clients/cache.ts';
import { freePort } from './free-port.ts';

/** A throwaway PostgreSQL server for tests. */
export interface TestPostgres {
  /** Superuser URL of the `postgres` database. */
  url: string;
  port: number;
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /**
   * Freezes the server as a frozen host would be (SIGSTOP to the postmaster and its children: connections stay open
   * and nothing answers); the function returned wakes them (SIGCONT). A backend that ends in between is skipped.
   */
  freeze(): () => void;
  /** Shuts the server down (fast: sessions are ended), keeping its data, as a database restart does. */
  halt(): void;
  /** Starts a halted server again on the same port. */
  resume(): void;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

const PG_ROOT = '/usr/lib/postgresql';

/** Debian's PostgreSQL binaries folder (`/usr/lib/postgresql/<version>/bin`), newest version first. */
function pgBinDir(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(path.join(PG_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(PG_ROOT, versions[0], 'bin') : undefined;
}

/**
 * Makes sure PostgreSQL's server binaries are installed: when missing, installs Debian's `postgresql` package with
 * apt-get (tests run as root), once per machine behind the cache lock.
 */
async function ensurePostgres(): Promise<string> {
  const found = pgBinDir();
  if (found) return found;
  await withCacheLock('postgresql', async () => {
    if (pgBinDir()) return;
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update'], { stdio: 'ignore', env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { stdio: 'ignore', env });
  });
  const bin = pgBinDir();
  if (!bin) throw new Error(`apt-get install postgresql did not provide ${PG_ROOT}/<version>/bin/initdb`);
  return bin;
}

/** postgres refuses to run as root: as root, run its tools as the `postgres` user. */
function asPostgresUser(bin: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  const [cmd, argv] = root ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} failed (${r.status}): ${r.stderr || r.stdout}`);
}

/**
 * Starts a PostgreSQL server in a fresh temp folder on a free loopback port (trust authentication, fsync off: a
 * test server, not a durable one), run as the `postgres` user when the tests run as root.
 *
 * @example const pgServer = await startTestPostgres(); const url = await pgServer.createDatabase(); … await pgServer.stop()
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = await ensurePostgres();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  asPostgresUser(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  let port = 0;
  const start = () =>
    asPostgresUser(path.join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      'start',
    ]);
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      start();
      break;
    } catch (err) {
      if (attempt >= 2) throw err; // the port was taken between probing and binding: try another
    }
  }
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let n = 0;
  return {
    url,
    port,
    async createDatabase(name = `rat_${process.pid}_${++n}`) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgresql://postgres@127.0.0.1:${port}/${name}`;
    },
    freeze() {
      const postmaster = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const children = spawnSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' }).stdout;
      const pids = [postmaster, ...children.split('\n').filter(Boolean).map(Number)];
      const signal = (sig: NodeJS.Signals) =>
        pids.forEach((pid) => {
          try {
            process.kill(pid, sig);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
          }
        });
      signal('SIGSTOP');
      return () => signal('SIGCONT');
    },
    halt() {
      asPostgresUser(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    resume: start,
    async stop() {
      try {
        asPostgresUser(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

let shared: Promise<TestPostgres> | undefined;

/**
 * One PostgreSQL server for the whole test process, started on first use and stopped when the process exits (for
 * lanes that run the ordinary server tests on PostgreSQL: RAT_TEST_STORE=postgresql).
 *
 * @example const url = await (await sharedTestPostgres()).createDatabase()
 */
export function sharedTestPostgres(): Promise<TestPostgres> {
  shared ??= startTestPostgres().then((server) => {
    // Synchronous (pg_ctl runs to completion), so it also works in the 'exit' handler.
    process.once('exit', () => void server.stop());
    // An interrupted test run must not leave the server behind either.
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => process.exit(sig === 'SIGINT' ? 130 : 143));
    }
    return server;
  });
  return shared;
}
