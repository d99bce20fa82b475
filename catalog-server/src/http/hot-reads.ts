import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AppContext } from '../app-context.ts';
import { tableExists } from '../service/iceberg/index.ts';
import { loadTableResponse, type LoadTableQuery } from './iceberg/load-table-response.ts';
import { sendJsonBytes } from './iceberg/json-io.ts';
import { headerOf } from './iceberg/params.ts';
import { TABLE_ROUTE, decoded, plainlyAllowed, tablePathOf } from './hot-table-path.ts';
import { observeRequest } from './observe-requests.ts';
import { accessOf } from './auth/access.ts';

const SNAPSHOTS_ONLY = /^snapshots=([^&=]*)$/;

/**
 * Answers the two table reads engines send most — loadTable (`GET`) and tableExists (`HEAD`) — ahead of express, and
 * hands every other request to `app`.
 *
 * Query engines load a table before every read and every commit, and on that path express cost more than the
 * catalog's work: the server spent 385–400 µs of CPU per load through express, 220–230 µs here, where express's empty
 * handler spends 210–230 (its per-request setup: two prototype swaps, a final handler, a walk over the app's layers;
 * docs/performance-log.md, "loadTable ahead of express"). The answers are the express routes' own (`loadTableResponse`,
 * `tableExists`), with the same request id, log line and metrics. Whatever is not the plain case goes to express
 * untouched, which answers it as before: a prefix segment, another query, a body, a caller the policy does not plainly
 * let read (missing or bad token, a denied or pinned `ref@hash` read), and any error (a missing table or ref, a bad
 * parameter), for which the catalog's one error map writes the response.
 *
 * @example http.createServer(hotReads(ctx, createApp(ctx)))
 */
export function hotReads(ctx: AppContext, app: RequestListener): RequestListener {
  return (req, res) => {
    const target = tableReadTarget(req.method ?? '', req.url ?? '', req.headers, ctx.store.defaultBranch);
    if (!target) {
      app(req, res);
      return;
    }
    const counted = (frontEnd: 'hot' | 'express') =>
      ctx.metrics.tableReadFrontEnds.inc({ request: target.exists ? 'exists' : 'load', front_end: frontEnd });
    const handOver = () => {
      counted('express');
      app(req, res);
    };
    void answer(ctx, req, res, target, process.hrtime.bigint()).then(
      (answered) => {
        if (answered) counted('hot');
        else handOver();
      },
      (err: unknown) => {
        // Errors come before the answer starts (reading the catalog); one after it started cannot be answered again.
        if (!res.headersSent) handOver();
        else {
          ctx.logger.error({ err, url: req.url }, 'table read failed while answering');
          res.destroy();
        }
      },
    );
  };
}

async function answer(
  ctx: AppContext,
  req: IncomingMessage,
  res: ServerResponse,
  target: TableReadTarget,
  started: bigint,
): Promise<boolean> {
  if (!(await plainlyAllowed(ctx, req, target.path, ['read']))) return false;
  const q = target.query;
  if (target.exists) {
    // 404 is tableExists's plain "no" (no body), as the express route answers it; a missing ref throws instead.
    const found = await tableExists(ctx, q.ref, q.namespace, q.table);
    observeRequest(req, res, ctx.logger, ctx.metrics, started, () => TABLE_ROUTE);
    res.statusCode = found ? 204 : 404;
    res.end();
    return true;
  }
  const load = await loadTableResponse(ctx, q, accessOf(req));
  observeRequest(req, res, ctx.logger, ctx.metrics, started, () => TABLE_ROUTE);
  res.setHeader('ETag', load.etag);
  if (load.body) sendJsonBytes(res, load.body);
  else {
    res.statusCode = 304;
    res.end();
  }
  return true;
}

/** A table read this front end answers: loadTable or (`exists`) tableExists, the raw path (for the policy), what it asks. */
export interface TableReadTarget {
  exists: boolean;
  path: string;
  query: LoadTableQuery;
}

/**
 * The table read a request asks for, or undefined when express should route it: another method, path or shape
 * (express also matches case-insensitively and with a trailing slash; those go to it), a query other than one
 * `snapshots` on a load (none on HEAD), a request with a body (express's parser reads and checks it), a parameter
 * that does not decode or an empty namespace level (express answers those 400).
 *
 * @example tableReadTarget('GET', '/iceberg/dev/v1/namespaces/db/tables/t', {}, 'main')?.query.ref // 'dev'
 */
export function tableReadTarget(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  defaultBranch: string,
): TableReadTarget | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  if (headers['transfer-encoding'] !== undefined) return undefined;
  if (headers['content-length'] !== undefined && headers['content-length'] !== '0') return undefined;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const search = q === -1 ? '' : url.slice(q + 1);
  let snapshots: string | undefined;
  if (search !== '') {
    const m = method === 'GET' ? SNAPSHOTS_ONLY.exec(search) : null;
    if (!m) return undefined;
    snapshots = decoded(m[1]!);
    if (snapshots === undefined) return undefined;
  }
  const table = tablePathOf(path, defaultBranch);
  if (!table) return undefined;
  return {
    exists: method === 'HEAD',
    path,
    query: {
      ...table,
      snapshots,
      delegation: headerOf({ headers }, 'x-iceberg-access-delegation'),
      ifNoneMatch: headerOf({ headers }, 'if-none-match'),
    },
  };
}
