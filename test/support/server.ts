import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '@ratatouille/catalog-server';
import { sharedTestPostgres } from './postgres.ts';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Stops the server and removes its temp data dir. */
  stop(): Promise<void>;
}

/**
 * Starts an in-process catalog server on a free port with a fresh temp data dir (file warehouse inside it). With
 * RAT_TEST_STORE=postgresql its catalog is a fresh database on a test PostgreSQL server instead of SQLite (the
 * PostgreSQL lanes run the same test files that way).
 */
export async function startTestServer(opts: Omit<ServerOptions, 'port' | 'host'> = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'rat-test-'));
  const store = opts.store ?? (process.env.RAT_TEST_STORE === 'postgresql' ? await databaseOf(dataDir) : undefined);
  // Request lines would bury mocha's output; RAT_LOG_LEVEL=info shows them when debugging.
  const logLevel = opts.logLevel ?? process.env.RAT_LOG_LEVEL ?? 'warn';
  const server = await startServer({ ...opts, dataDir, store, logLevel, host: '127.0.0.1', port: 0 });
  return {
    ...server,
    dataDir,
    async stop() {
      await server.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The PostgreSQL database of a data dir in the PostgreSQL lane: a server restarted on the same data dir finds the
 * catalog it left, as on SQLite (where the catalog is a file in the data dir), instead of a fresh database.
 */
const databases = new Map<string, Promise<string>>();
function databaseOf(dataDir: string): Promise<string> {
  let url = databases.get(dataDir);
  if (!url) {
    url = sharedTestPostgres().then((pg) => pg.createDatabase());
    databases.set(dataDir, url);
  }
  return url;
}

/** Small JSON-over-HTTP helper for tests: returns status, parsed body (or null) and headers. */
export async function http(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * One sample of the server's `/metrics`: the value of `name` whose labels include `labels` (in any order), summed over
 * the samples that match; 0 when none does.
 *
 * @example await metricValue(server.url, 'rat_http_requests_total', { method: 'GET', status: '200' })
 */
export async function metricValue(
  serverUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${serverUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) sum += Number(m[3]);
  }
  return sum;
}
