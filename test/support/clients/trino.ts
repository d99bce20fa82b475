import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { clientCacheDir, withCacheLock } from './cache.ts';
import { DOC_CATALOG_URI, snippetPath } from './iceberg-js.ts';
import { findJavaHome } from './java.ts';
import { ensureMavenArtifact } from './maven.ts';
import { freePort } from '../free-port.ts';
import { runChecked, trackProcessGroup } from './proc.ts';

/** The pinned Trino server (Maven Central `io.trino:trino-server`, a tar.gz); 476 needs Java 24 or newer. */
export const TRINO_VERSION = '476';
const TRINO_MIN_JAVA = 24;

let installing: Promise<string> | undefined;

/**
 * Returns the home of a Trino server install in `$RAT_CACHE_DIR/trino-server-476`, installing it on first use: the
 * tar.gz (about 820 MB) comes from Maven Central through {@link ensureMavenArtifact}, is unpacked, and every plugin but
 * the Iceberg connector is removed (Trino loads each plugin at startup; 60 of them would triple start time and disk).
 * The unpacked copy is renamed into place whole, so a half-done install is never used; the downloaded archive is
 * removed afterwards (Maven's own repository in the cache keeps one copy).
 *
 * @example const home = await ensureTrinoServer(); // ~/.cache/ratatouille/trino-server-476
 */
export function ensureTrinoServer(): Promise<string> {
  installing ??= (async () => {
    const home = path.join(clientCacheDir(), `trino-server-${TRINO_VERSION}`);
    if (existsSync(home)) return home;
    await withCacheLock(`trino-server-${TRINO_VERSION}`, async () => {
      if (existsSync(home)) return;
      const archive = await ensureMavenArtifact(`io.trino:trino-server:${TRINO_VERSION}:tar.gz`);
      const staging = mkdtempSync(path.join(clientCacheDir(), '.trino-staging-'));
      try {
        process.stderr.write(`[rat clients] unpacking trino-server ${TRINO_VERSION}\n`);
        // Extract whole: the archive hard-links jars shared between plugins, so a partial extract breaks them.
        await runChecked('tar', ['-xzf', archive, '-C', staging], { killAfterMs: 10 * 60_000 });
        const unpacked = path.join(staging, `trino-server-${TRINO_VERSION}`);
        const plugins = path.join(unpacked, 'plugin');
        for (const p of readdirSync(plugins)) {
          if (p !== 'iceberg') rmSync(path.join(plugins, p), { recursive: true, force: true });
        }
        renameSync(unpacked, home);
      } finally {
        rmSync(staging, { recursive: true, force: true });
      }
      rmSync(archive, { force: true });
    });
    return home;
  })();
  installing.catch(() => {
    installing = undefined;
  });
  return installing;
}

/**
 * A documented Trino catalog file (`test/clients/snippets/trino.properties`, or `trino-s3.properties` for an S3
 * warehouse; both shown verbatim in docs/clients.md) as properties, pointed at `catalogUri` instead of the documented
 * URI. `replace` lists the other rewrites (the S3 endpoint and keys); each must occur in the file.
 *
 * @example trinoCatalogSnippet(`${server.url}/iceberg/feat`)['iceberg.rest-catalog.uri'] // '…/iceberg/feat'
 */
export function trinoCatalogSnippet(
  catalogUri: string,
  opts: { file?: string; replace?: Record<string, string> } = {},
): Record<string, string> {
  const file = opts.file ?? 'trino.properties';
  let src = readFileSync(snippetPath(file), 'utf8');
  for (const [from, to] of Object.entries({ [DOC_CATALOG_URI]: catalogUri, ...opts.replace })) {
    if (!src.includes(from)) throw new Error(`${file} does not contain ${from}`);
    src = src.replaceAll(from, to);
  }
  const props: Record<string, string> = {};
  for (const line of src.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const eq = t.indexOf('=');
    props[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  }
  return props;
}

/** A failed Trino statement: `errorName` (e.g. `SCHEMA_NOT_FOUND`) and `errorType` (`USER_ERROR`, …) as Trino sent them. */
export class TrinoQueryError extends Error {
  constructor(
    readonly sql: string,
    readonly errorName: string,
    readonly errorType: string,
    readonly errorCode: number,
    message: string,
  ) {
    super(`${errorName} (${errorType}): ${message}\n  in: ${sql}`);
    this.name = 'TrinoQueryError';
  }
}

export interface TrinoResult {
  columns: string[];
  /** Rows as Trino's JSON encodes them (BIGINT as numbers: cast 64-bit ids to varchar to compare them exactly). */
  rows: unknown[][];
  /** Trino's `updateType` (`CREATE TABLE`, `INSERT`, `DELETE`, …) for statements that change something. */
  updateType?: string;
}

interface StatementResponse {
  nextUri?: string;
  columns?: Array<{ name: string }>;
  data?: unknown[][];
  updateType?: string;
  error?: { message: string; errorName: string; errorType: string; errorCode: number };
}

/**
 * Runs one statement over Trino's client protocol: `POST /v1/statement`, then `GET` each `nextUri` until the
 * query ends, collecting rows. A failed query throws {@link TrinoQueryError}.
 *
 * @example const r = await trinoQuery('http://127.0.0.1:8080', 'SELECT 1', { catalog: 'iceberg' }); r.rows // [[1]]
 */
export async function trinoQuery(
  url: string,
  sql: string,
  opts: { catalog?: string; schema?: string; user?: string; session?: Record<string, string> } = {},
): Promise<TrinoResult> {
  const headers: Record<string, string> = { 'X-Trino-User': opts.user ?? 'ratatouille-test' };
  if (opts.catalog) headers['X-Trino-Catalog'] = opts.catalog;
  if (opts.schema) headers['X-Trino-Schema'] = opts.schema;
  if (opts.session && Object.keys(opts.session).length > 0) {
    headers['X-Trino-Session'] = Object.entries(opts.session)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join(',');
  }
  const read = async (res: Response): Promise<StatementResponse> => {
    const text = await res.text();
    if (!res.ok) throw new Error(`Trino answered ${res.status} to ${sql}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as StatementResponse;
  };
  let body = await read(await fetch(`${url}/v1/statement`, { method: 'POST', body: sql, headers }));
  const result: TrinoResult = { columns: [], rows: [] };
  for (;;) {
    if (body.columns) result.columns = body.columns.map((c) => c.name);
    if (body.data) result.rows.push(...body.data);
    if (body.updateType) result.updateType = body.updateType;
    if (body.error) {
      const e = body.error;
      throw new TrinoQueryError(sql, e.errorName, e.errorType, e.errorCode, e.message);
    }
    if (!body.nextUri) return result;
    // 503 means "busy, ask again" in this protocol.
    let res = await fetch(body.nextUri, { headers });
    while (res.status === 503) {
      await res.arrayBuffer();
      await sleep(50);
      res = await fetch(body.nextUri, { headers });
    }
    body = await read(res);
  }
}

export interface TrinoServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Folder of this server's config, data and log (removed by `stop()`). */
  workDir: string;
  /** Runs one statement (see {@link trinoQuery}); `catalog`/`schema` default to those given at start. */
  query(
    sql: string,
    opts?: { catalog?: string; schema?: string; session?: Record<string, string> },
  ): Promise<TrinoResult>;
  /** The tail of Trino's output, for failure messages. */
  output(): string;
  /** Stops the JVM (SIGTERM, then SIGKILL) and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Runs `run` again while Trino answers NO_NODES_AVAILABLE, for up to a minute. On a loaded machine the single node's
 * announcement to its own coordinator can lapse for a moment (a late heartbeat), and the coordinator then schedules
 * nothing until it announces again. Trino raises this before a statement starts, so running it again is safe.
 */
async function whileNoNodes<T>(run: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof TrinoQueryError) || err.errorName !== 'NO_NODES_AVAILABLE' || Date.now() > deadline)
        throw err;
      await sleep(500);
    }
  }
}

const properties = (entries: Record<string, string>) =>
  Object.entries(entries)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n') + '\n';

export interface StartTrinoOptions {
  /** Catalog name → connector properties (`connector.name=iceberg`, …), written to `etc/catalog/<name>.properties`. */
  catalogs: Record<string, Record<string, string>>;
  /** Default catalog and schema of {@link TrinoServer.query}. */
  catalog?: string;
  schema?: string;
  /** `-Xmx`, default `2G` (Trino's own default is far larger; a test needs little). */
  maxHeap?: string;
  startupTimeoutMs?: number;
}

/**
 * Starts a single-node Trino (coordinator and worker in one JVM) on a free loopback port, in a fresh temp folder with
 * the given catalogs, and waits until it accepts queries. Installs Trino on first use ({@link ensureTrinoServer}).
 * Catalogs are read once at startup: create the branches they point at first.
 *
 * @example
 * const trino = await startTrino({ catalogs: { iceberg: { 'connector.name': 'iceberg', … } }, catalog: 'iceberg' });
 * await trino.query('CREATE SCHEMA s'); … await trino.stop();
 */
export async function startTrino(opts: StartTrinoOptions): Promise<TrinoServer> {
  const home = await ensureTrinoServer();
  const javaHome = await findJavaHome(TRINO_MIN_JAVA);
  const work = mkdtempSync(path.join(os.tmpdir(), 'rat-trino-'));
  const etc = path.join(work, 'etc');
  const data = path.join(work, 'data');
  const tmp = path.join(work, 'tmp');
  for (const d of [path.join(etc, 'catalog'), data, tmp]) mkdirSync(d, { recursive: true });
  const port = await freePort();
  writeFileSync(
    path.join(etc, 'node.properties'),
    properties({
      'node.environment': 'ratatouille_test',
      'node.id': path.basename(work),
      'node.data-dir': data,
      // Loopback only: a test server has no business on other interfaces.
      'node.bind-ip': '127.0.0.1',
      'node.internal-address': '127.0.0.1',
    }),
  );
  writeFileSync(
    path.join(etc, 'jvm.config'),
    [
      '-server',
      `-Xmx${opts.maxHeap ?? '2G'}`,
      '-XX:+UseG1GC',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djdk.attach.allowAttachSelf=true',
      `-Djava.io.tmpdir=${tmp}`,
    ].join('\n') + '\n',
  );
  writeFileSync(
    path.join(etc, 'config.properties'),
    properties({
      coordinator: 'true',
      'node-scheduler.include-coordinator': 'true',
      'http-server.log.enabled': 'false',
      'http-server.http.port': String(port),
      'discovery.uri': `http://127.0.0.1:${port}`,
      'query.max-memory': '1GB',
      'query.max-memory-per-node': '1GB',
    }),
  );
  for (const [name, props] of Object.entries(opts.catalogs)) {
    writeFileSync(path.join(etc, 'catalog', `${name}.properties`), properties(props));
  }

  const child = spawn(path.join(home, 'bin', 'launcher'), ['run', `--etc-dir=${etc}`, `--data-dir=${data}`], {
    cwd: work,
    env: { ...process.env, JAVA_HOME: javaHome, PATH: `${path.join(javaHome, 'bin')}:${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that stop() and the exit hook take the JVM down with the launcher.
    detached: true,
  });
  if (child.pid === undefined) {
    rmSync(work, { recursive: true, force: true });
    throw new Error(`Could not start ${path.join(home, 'bin', 'launcher')}`);
  }
  const untrack = trackProcessGroup(child.pid, () => rmSync(work, { recursive: true, force: true }));
  const log = createWriteStream(path.join(work, 'trino.log'));
  let output = '';
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (alive()) {
        signal('SIGTERM');
        const timer = setTimeout(() => signal('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      signal('SIGKILL');
      untrack();
      await new Promise((r) => log.end(r));
      rmSync(work, { recursive: true, force: true });
    })();
    return stopped;
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + (opts.startupTimeoutMs ?? 300_000);
    for (;;) {
      if (!alive()) throw new Error(`Trino exited during startup:\n${output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`Trino did not become ready in time:\n${output.slice(-4000)}`);
      try {
        const res = await fetch(`${url}/v1/info`, { signal: AbortSignal.timeout(2000) });
        // Started is not yet ready: the coordinator answers NO_NODES_AVAILABLE until its own worker has announced
        // itself, so the first query decides.
        if (res.ok && ((await res.json()) as { starting?: boolean }).starting === false) {
          await trinoQuery(url, 'SELECT 1');
          break;
        }
      } catch {
        // Not listening yet, or no worker announced yet.
      }
      await sleep(250);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    workDir: work,
    query: (sql, q = {}) =>
      whileNoNodes(() =>
        trinoQuery(url, sql, {
          catalog: q.catalog ?? opts.catalog,
          schema: q.schema ?? opts.schema,
          session: q.session,
        }),
      ),
    output: () => output,
    stop,
  };
}
