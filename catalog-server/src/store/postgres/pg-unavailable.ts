import type { Pool, PoolClient } from 'pg';
import { StoreUnavailableError } from '../../errors/index.ts';

/**
 * How long a request waits for a pooled connection (a free one, or a new one to connect) before it is answered 503:
 * a database that is down, restarting or out of connections, or a pool busy for that long, must not hold requests
 * (and the load balancer's connections) open indefinitely.
 */
export const PG_CONNECT_TIMEOUT_MS = 15_000;

/**
 * How long one statement may go unanswered before its connection counts as lost: far longer than any statement the
 * catalog sends takes (each reads or writes a page of rows), so only a database host that froze or a network that
 * dropped the connection without closing it reaches it. Without it such a request would wait forever: TCP notices a
 * silent peer only after its keepalive gives up, minutes later.
 */
export const PG_QUERY_TIMEOUT_MS = 30_000;

/** SQLSTATEs of a connection the server ended or could not open: admin or crash shutdown, starting up, too many. */
const GONE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Socket errors of a connection that is gone (node-postgres passes them on as they are). */
const GONE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Whether `err` says the connection to the database is gone or could not be made (as opposed to a refused query). */
export function isConnectionLoss(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (GONE_STATES.has(code) || code.startsWith('08') || GONE_ERRNOS.has(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  // `Query read timeout`: no answer within the statement timeout (see limitQueryTime).
  return /^Connection terminated|not queryable|timeout exceeded when trying to connect|^Query read timeout/.test(
    message,
  );
}

/** `err` as the 503 it is when it says the database is unreachable; anything else unchanged. */
export function asUnavailable(err: unknown): unknown {
  if (err instanceof StoreUnavailableError || !isConnectionLoss(err)) return err;
  return new StoreUnavailableError((err as Error).message || String(err));
}

/** Statements that only read: losing the connection while one runs changed nothing. */
const READ_ONLY = /^\s*(SELECT|WITH RECURSIVE)\b/i;

/**
 * Makes every failure to get a connection from `pool` a StoreUnavailableError: no statement was sent, so nothing was
 * applied, and the client may retry. `pool.query` takes its connection through `connect(callback)`, so both paths
 * go through here. A connection lost while a read ran (`SELECT`, a recursive read) is one too. Other statements keep
 * their error: a connection lost while a single write ran may or may not have applied it (the write queue tells the
 * two cases apart for its transactions).
 */
export function guardPool(pool: Pool): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    const result = query(...args);
    if (typeof args[0] !== 'string' || !READ_ONLY.test(args[0]) || !(result instanceof Promise)) return result;
    return result.catch((err: unknown) => {
      throw asUnavailable(err);
    });
  }) as Pool['query'];
  const connect = pool.connect.bind(pool) as (cb?: ConnectCallback) => Promise<PoolClient> | undefined;
  const unavailable = (err: unknown) =>
    err instanceof StoreUnavailableError ? err : new StoreUnavailableError((err as Error)?.message || String(err));
  const guarded = (cb?: ConnectCallback) => {
    if (cb) return connect((err, client, done) => cb(err ? unavailable(err) : err, client, done));
    return connect()!.catch((err: unknown) => {
      throw unavailable(err);
    });
  };
  pool.connect = guarded as Pool['connect'];
}

type ConnectCallback = (
  err: Error | undefined,
  client: PoolClient | undefined,
  done: (release?: unknown) => void,
) => void;

const LIMITED = Symbol('query time limited');

/**
 * Gives every statement sent through `pool` (by `pool.query` and on checked-out connections) at most `ms` to be
 * answered; one that is not fails as a lost connection (see isConnectionLoss), and its connection is released with
 * the error, so the pool replaces it rather than handing a connection stuck behind an unanswered statement to the
 * next request. Call it after the schema migrations, whose statements may legitimately run longer.
 */
export function limitQueryTime(pool: Pool, ms: number): void {
  const connect = pool.connect.bind(pool) as (cb?: ConnectCallback) => Promise<PoolClient> | undefined;
  const limited = (client: PoolClient | undefined) => {
    if (client && !(client as unknown as Record<symbol, boolean>)[LIMITED]) {
      (client as unknown as Record<symbol, boolean>)[LIMITED] = true;
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      // query(text, values?, callback?) as the catalog and pg-pool's own `pool.query` call it; other forms (query
      // objects, cursors) pass unchanged.
      client.query = ((...args: unknown[]) => {
        if (typeof args[0] !== 'string') return query(...args);
        const callback = typeof args.at(-1) === 'function' ? args.at(-1) : undefined;
        const values = Array.isArray(args[1]) ? (args[1] as unknown[]) : undefined;
        const config = { text: args[0], values, query_timeout: ms };
        return callback ? query(config, callback) : query(config);
      }) as PoolClient['query'];
    }
    return client;
  };
  pool.connect = ((cb?: ConnectCallback) => {
    if (cb) return connect((err, client, done) => cb(err, limited(client), done));
    return connect()!.then((client) => limited(client)!);
  }) as Pool['connect'];
}
