import http from 'node:http';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import type { AppContext } from './app-context.ts';
import { hotCommits } from './http/hot-commits.ts';
import { plusAsSpace } from './http/iceberg/plus-as-space.ts';
import { hotReads } from './http/hot-reads.ts';
import { nosniff } from './http/nosniff.ts';
import { openCatalogDatabase, parseStoreLocation } from './store/open-store.ts';
import { parseRetention } from './service/storage/retention.ts';
import { createLogger, flushLog, LOG_LEVELS } from './observability/logger.ts';
import { Metrics } from './observability/metrics.ts';
import { instrumentStore } from './observability/instrumented-store.ts';
import { FileJournal } from './service/storage/file-journal.ts';
import { DecodedManifests, defaultManifestCacheBytes } from './service/scan/decoded-manifests.ts';
import { BadRequestError } from './errors/index.ts';
import { buildWarehouses, createWarehouseIO, type WarehousesConfig } from './warehouse/index.ts';
import { loadAuthConfig, validateAuthConfig, type AuthConfigInput } from './auth/config.ts';
import { AuthService } from './auth/auth-service.ts';
import { isLoopbackHost } from './auth/loopback.ts';
import { SERVER_DEFAULTS } from './server-settings.ts';
import { drainable } from './http/drain.ts';

export interface ServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Holds `catalog.db` (unless `store` says otherwise) and, by default, the warehouse. */
  dataDir?: string;
  /**
   * The catalog database: `postgresql://user:pass@host:5432/db` (several servers may share it), `sqlite:<file>` or a
   * file path; default `<dataDir>/catalog.db`.
   */
  store?: string;
  /** Connections in the PostgreSQL pool (default 10); ignored for SQLite. */
  storePoolSize?: number;
  /**
   * How long a PostgreSQL statement may go unanswered before its connection counts as lost (`30s` default, `2m`; at
   * least `1s`); ignored for SQLite. A database that is slow on purpose (a huge catalog on a slow disk) needs a longer
   * one; a shorter one answers 503 sooner when the database host freezes.
   */
  storeQueryTimeout?: string;
  /** Default warehouse URI; defaults to `file://<dataDir>/warehouse`. */
  warehouse?: string;
  /**
   * More named warehouses for `?warehouse=` on /v1/config, each with its own storage settings: inline JSON, a JSON
   * file's path, or the object itself (see `parseWarehousesConfig`). A `default` entry replaces `warehouse`.
   */
  warehouses?: string | WarehousesConfig;
  webhookSecret?: string;
  /** Extra roots of the default warehouse where clients may place tables (besides the warehouse itself). */
  allowedLocations?: string[];
  /**
   * How much catalog history purge and GC keep (`7d`, `12h`, `all`; default `all`): files reachable from any commit
   * younger than this, or from any branch or tag head, are never deleted.
   */
  keepHistory?: string;
  /**
   * How long loads trust a metadata file on an object store after the server last saw it (`2s` default, `0.5s`, `0`
   * for a HEAD request on every load): a metadata file deleted behind the catalog is served for at most this long.
   * File warehouses are checked on every load.
   */
  metadataRecheck?: string;
  /**
   * Megabytes of decoded manifests kept for scan planning (default: an eighth of the process's heap limit, at least
   * 64); 0 decodes every manifest on every plan. Plans of a table whose manifests all fit decode nothing.
   */
  manifestCacheMb?: number;
  /** Rows a row diff may read at the most (the files that differ, delete files included); default 250,000. */
  rowDiffMaxRows?: number;
  /** pino level: trace, debug, info (default), warn, error, fatal or silent. */
  logLevel?: string;
  /**
   * Auth config (clients, roles, protected branches, OIDC): a YAML file's path or the object itself. Without one the
   * server only binds a loopback address, where it serves everyone as before.
   */
  auth?: string | AuthConfigInput;
  /** Serve a non-loopback address without auth: anyone who reaches the port may read, write and delete. */
  insecureNoAuth?: boolean;
  /** The built web UI to serve at `/`; defaults to this repository's `ui/dist` (built by `npm install`). */
  uiDir?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  /** The state directory (absolute): `catalog.db` and, unless `--warehouse` says otherwise, the warehouse. */
  dataDir: string;
  /** The default warehouse's root URI (`file:///…/warehouse`, `s3://bucket/prefix`). */
  warehouse: string;
  /** Stops accepting connections, lets in-flight requests finish, then closes the catalog database. */
  close(): Promise<void>;
}

/** Where the `ui` workspace's Vite build lands. */
const DEFAULT_UI_DIR = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

/**
 * Starts the catalog server.
 *
 * @example const server = await startServer({ port: 0, dataDir: tmp }); fetch(`${server.url}/api/v2/config`)
 */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? SERVER_DEFAULTS.host;
  const dataDir = path.resolve(opts.dataDir ?? SERVER_DEFAULTS.dataDir);
  const authConfig =
    typeof opts.auth === 'string' ? loadAuthConfig(opts.auth) : opts.auth ? validateAuthConfig(opts.auth) : undefined;
  if (!authConfig && !opts.insecureNoAuth && !isLoopbackHost(host)) {
    throw new Error(
      `Refusing to serve ${host} without authentication: give an auth config with --auth FILE (or RAT_AUTH_CONFIG), ` +
        'or pass --insecure-no-auth to let anyone who reaches the port read, write and delete.',
    );
  }
  makeDataDir(dataDir);
  const keepHistoryMs = parseRetention(opts.keepHistory ?? 'all');
  const metadataRecheckMs = opts.metadataRecheck === undefined ? undefined : parseRetention(opts.metadataRecheck);
  if (opts.metadataRecheck !== undefined && metadataRecheckMs === undefined)
    throw new BadRequestError(`Metadata recheck "${opts.metadataRecheck}" must be a duration such as 2s or 0.`);
  const manifestCache = new DecodedManifests(manifestCacheBytes(opts.manifestCacheMb));
  const queryTimeoutMs = storeQueryTimeoutMs(opts.storeQueryTimeout);
  const { warehouse, warehouses, locations } = buildWarehouses(
    {
      defaultUri: opts.warehouse,
      fallbackUri: pathToFileURL(path.join(dataDir, 'warehouse')).href,
      extra: opts.warehouses,
      defaultAllowed: opts.allowedLocations,
    },
    (config) => createWarehouseIO(config.uri, { s3: config.s3 }),
  );
  const logLevel = opts.logLevel ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new BadRequestError(`Log level "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}.`);
  }
  const logger = createLogger(logLevel as (typeof LOG_LEVELS)[number]);
  const metrics = new Metrics();
  const db = await openCatalogDatabase(parseStoreLocation(opts.store ?? path.join(dataDir, 'catalog.db')), {
    poolSize: opts.storePoolSize,
    queryTimeoutMs,
    onCheckpointError: (error) => logger.warn({ error }, 'WAL checkpoint failed; the next one tries again'),
    onMigration: (migration) => {
      logger.info({ migration }, 'migrating the catalog database');
      flushLog(logger);
    },
  });
  const store = db.store;
  metrics.watchStoreWrites(() => store.groupCommitStats);
  metrics.watchStorePool(() => store.poolStats);
  const fileJournal = new FileJournal(store, locations, logger);
  let auth: AuthService | undefined;
  try {
    // Metadata files a crash caught before they were durable are written again before anything is served.
    const restored = await fileJournal.recover();
    if (restored > 0) logger.warn({ restored }, 'restored metadata files the last run had not made durable');
    auth = authConfig
      ? await AuthService.open(authConfig, dataDir, db.signingKey && ((fresh) => db.signingKey!.loadOrCreate(fresh)))
      : undefined;
  } catch (err) {
    await store.close();
    throw err;
  }
  const appCtx: AppContext = {
    store: instrumentStore(store, metrics),
    logger,
    metrics,
    warehouse,
    warehouses,
    locations,
    fileJournal,
    keepHistoryMs,
    metadataRecheckMs,
    manifestCache,
    rowDiffMaxRows: opts.rowDiffMaxRows,
    webhookSecret: opts.webhookSecret,
    codeLinks: db.codeLinks,
    idempotency: db.idempotency,
    pendingMerges: db.pendingMerges,
    releasedTables: db.releasedTables,
    auth,
    uiDir: opts.uiDir ?? DEFAULT_UI_DIR,
  };
  const requests = drainable(nosniff(plusAsSpace(hotReads(appCtx, hotCommits(appCtx, createApp(appCtx))))));
  const server = http.createServer(requests.handler);
  requests.track(server);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? SERVER_DEFAULTS.port, host, () => resolve());
    });
  } catch (err) {
    // Nothing was served: release the database and storage clients before reporting (e.g. the port is taken).
    await store.close();
    for (const w of warehouses.values()) w.close?.();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    dataDir: path.resolve(dataDir),
    warehouse: warehouse.root,
    close() {
      closing ??= (async () => {
        await requests.drain(server);
        await fileJournal.drain();
        await store.close();
        for (const w of warehouses.values()) w.close?.();
        // Log lines are written in batches (observability/logger.ts): the last ones go out now.
        logger.flush();
      })();
      return closing;
    },
  };
}

/** Creates the data folder; a path that is a file, or cannot be created, is an error that names it. */
function makeDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : `${code ?? String(err)}`;
    throw new Error(`Cannot use ${dataDir} as the data folder (${why}): give another with --data-dir.`, { cause: err });
  }
}

/** The manifest cache's budget in bytes: `mb` megabytes (a whole number, 0 keeps nothing), else the default. */
function manifestCacheBytes(mb: number | undefined): number {
  if (mb === undefined) return defaultManifestCacheBytes();
  if (!Number.isInteger(mb) || mb < 0) {
    throw new BadRequestError(`Manifest cache "${mb}" must be a whole number of megabytes, such as 512 or 0.`);
  }
  return mb * 1024 * 1024;
}

/**
 * `--store-query-timeout` in milliseconds: a duration of at least one second (`30s`, `2m`), undefined for the default.
 * Shorter would count an ordinary slow query (a first listing of a large catalog) as a lost connection.
 */
function storeQueryTimeoutMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseRetention(text);
  if (ms === undefined || ms < 1_000) {
    throw new BadRequestError(`Store query timeout "${text}" must be a duration of at least 1s, such as 30s or 2m.`);
  }
  return ms;
}
