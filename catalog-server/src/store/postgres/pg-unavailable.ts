import type { Pool, PoolClient } from 'pg';
import { StoreUnavailableError } from '../../errors/index.ts';

/**
 * How long a request waits for a pooled connection (a free one, or a new one to connect) before it is answered 503:
 * a database that is down, restarting or out of connections, or a pool busy for that long, must not hold requests
 * (and the load balancer's connections) open indefinitely.
 */
export const PG_CONNECT_TIMEOUT_MS = 15_000;

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
  return /^Connection terminated|not queryable|timeout exceeded when trying to connect/.test(message);
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
