import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AppContext } from '../app-context.ts';
import { requirementOf } from './auth/requirement.ts';
import { loadTableResponse, type LoadTableQuery } from './iceberg/load-table-response.ts';
import { sendJsonBytes } from './iceberg/json-io.ts';
import { namespaceOf } from './iceberg/params.ts';
import { observeRequest } from './observe-requests.ts';

/** loadTable's metrics label, the same as behind express (observe-requests.ts). */
const LOAD_TABLE_ROUTE = '/iceberg/namespaces/:namespace/tables/:table';
/**
 * `/iceberg[/<ref>]/v1/namespaces/<namespace>/tables/<table>`, as the Iceberg router's own loadTable routes match it
 * and in their order: the ref form first, so a ref named `v1` (`/iceberg/v1/v1/namespaces/…`) is a ref.
 */
const LOAD_TABLE_PATH = /^\/iceberg\/(?:([^/]+)\/)?v1\/namespaces\/([^/]+)\/tables\/([^/]+)$/;
const SNAPSHOTS_ONLY = /^snapshots=([^&=]*)$/;

/**
 * Answers loadTable ahead of express and hands every other request to `app`.
 *
 * Query engines load a table before every read and every commit, and on this path express itself cost more than the
 * catalog's work: its per-request setup (two prototype swaps, a final handler, a router walk over the app's layers)
 * took the server ~200 µs of CPU per load where the ref read, trie lookup, existence check and cached answer take
 * ~50 (docs/performance.md, "loadTable ahead of express"). The answer is the express route's own
 * (`loadTableResponse`), with the same request id, log line and metrics. Whatever is not the plain case goes to
 * express untouched, which answers it as before: a prefix segment, a query other than `snapshots`, a body, a caller
 * the policy does not plainly let read (missing or bad token, a denied or pinned `ref@hash` read), and any error (a
 * missing table or ref, a bad parameter), for which the catalog's one error map writes the response.
 *
 * @example http.createServer(hotReads(ctx, createApp(ctx)))
 */
export function hotReads(ctx: AppContext, app: RequestListener): RequestListener {
  return (req, res) => {
    const target =
      req.method === 'GET' ? loadTableTarget(req.url ?? '', req.headers, ctx.store.defaultBranch) : undefined;
    if (!target) {
      app(req, res);
      return;
    }
    const handOver = () => {
      ctx.metrics.loadTableFrontEnds.inc({ front_end: 'express' });
      app(req, res);
    };
    void answerLoadTable(ctx, req, res, target, process.hrtime.bigint()).then(
      (answered) => {
        if (answered) ctx.metrics.loadTableFrontEnds.inc({ front_end: 'hot' });
        else handOver();
      },
      (err: unknown) => {
        // Errors come before the answer starts (reading the catalog); one after it started cannot be answered again.
        if (!res.headersSent) handOver();
        else {
          ctx.logger.error({ err, url: req.url }, 'loadTable failed while answering');
          res.destroy();
        }
      },
    );
  };
}

async function answerLoadTable(
  ctx: AppContext,
  req: IncomingMessage,
  res: ServerResponse,
  target: LoadTableTarget,
  started: bigint,
): Promise<boolean> {
  if (ctx.auth && !(await plainlyMayRead(ctx, req.headers.authorization, target.path))) return false;
  const answer = await loadTableResponse(ctx, target.query);
  observeRequest(req, res, ctx.logger, ctx.metrics, started, () => LOAD_TABLE_ROUTE);
  res.setHeader('ETag', answer.etag);
  if (answer.body) sendJsonBytes(res, answer.body);
  else {
    res.statusCode = 304;
    res.end();
  }
  return true;
}

/** With auth on: a valid token whose holder the policy lets read the ref, by name (a pinned read walks history). */
async function plainlyMayRead(ctx: AppContext, authorization: string | undefined, path: string): Promise<boolean> {
  const auth = ctx.auth!;
  let principal;
  try {
    principal = await auth.authenticate(authorization);
  } catch {
    return false;
  }
  const need = requirementOf({ method: 'GET', path, query: {}, body: undefined }, ctx.store.defaultBranch);
  return (
    need.kind === 'actions' &&
    need.actions.every((a) => a.kind === 'read' && a.at === undefined) &&
    auth.policy.decide(principal, need.actions).allow
  );
}

/** A loadTable request this path answers: the raw path (for the policy) and what it asks. */
export interface LoadTableTarget {
  path: string;
  query: LoadTableQuery;
}

/**
 * The loadTable a GET of `url` asks for, or undefined when express should route it: any other path or shape (express
 * also matches case-insensitively and with a trailing slash; those go to it), a query other than one `snapshots`, a
 * request with a body (express's parser reads and checks it), a parameter that does not decode or an empty
 * namespace level (express answers those 400).
 *
 * @example loadTableTarget('/iceberg/dev/v1/namespaces/db/tables/t', {}, 'main')?.query.ref // 'dev'
 */
export function loadTableTarget(
  url: string,
  headers: IncomingHttpHeaders,
  defaultBranch: string,
): LoadTableTarget | undefined {
  if (headers['transfer-encoding'] !== undefined) return undefined;
  if (headers['content-length'] !== undefined && headers['content-length'] !== '0') return undefined;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const search = q === -1 ? '' : url.slice(q + 1);
  let snapshots: string | undefined;
  if (search !== '') {
    const m = SNAPSHOTS_ONLY.exec(search);
    if (!m) return undefined;
    snapshots = decoded(m[1]!);
    if (snapshots === undefined) return undefined;
  }
  const m = LOAD_TABLE_PATH.exec(path);
  if (!m) return undefined;
  const ref = m[1] === undefined ? defaultBranch : decoded(m[1]);
  const namespace = decoded(m[2]!);
  const table = decoded(m[3]!);
  if (ref === undefined || namespace === undefined || table === undefined) return undefined;
  let levels: string[];
  try {
    levels = namespaceOf(namespace);
  } catch {
    return undefined;
  }
  const header = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  return {
    path,
    query: {
      ref,
      namespace: levels,
      table,
      snapshots,
      delegation: header('x-iceberg-access-delegation'),
      ifNoneMatch: header('if-none-match'),
    },
  };
}

/** A URL component decoded as express decodes route parameters (`+` stays `+`); undefined when malformed. */
function decoded(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
