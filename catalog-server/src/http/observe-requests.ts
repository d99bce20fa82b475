import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';

const MOUNTS = ['/api/v2/git', '/api/v2', '/iceberg', '/webhooks'];
const ICEBERG_REF_PART = /^\/(?::ref\/)?v1(?=\/)/;
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The route pattern a request matched, prefixed by its API (`/iceberg/namespaces/:namespace/tables/:table`): ref names,
 * namespaces and tables never become label values. Unrouted requests share one label.
 */
export function routeLabel(req: Request): string {
  const pattern = (req.route as { path?: string } | undefined)?.path;
  if (typeof pattern !== 'string') return 'unmatched';
  const path = req.originalUrl.split('?')[0] ?? '';
  const mount = MOUNTS.find((m) => path === m || path.startsWith(`${m}/`)) ?? '';
  // The Iceberg router also mounts its hottest routes with their ref part (`/:ref/v1/namespaces/…`, see
  // http/iceberg/router.ts): they keep the label of the same route reached through the nested routers.
  const own = mount === '/iceberg' ? pattern.replace(ICEBERG_REF_PART, '') : pattern;
  return `${mount}${own === '/' ? '' : own}` || '/';
}

/** The id of the request being served (`X-Request-Id`), for error bodies and log lines. */
export function requestIdOf(res: { locals: Record<string, unknown> }): string | undefined {
  const id = res.locals['requestId'];
  return typeof id === 'string' ? id : undefined;
}

/**
 * Gives every request an id (the caller's `X-Request-Id` when it is a plain token, else a new one), echoes it in the
 * response, logs one line when the response is sent and records its latency by route pattern and status.
 *
 * @example app.use(observeRequests(logger, metrics))
 */
export function observeRequests(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    res.locals['requestId'] = observeRequest(req, res, logger, metrics, process.hrtime.bigint(), () => routeLabel(req));
    next();
  };
}

/**
 * What {@link observeRequests} does for one request, for a front end without express (http/hot-reads.ts): sets the
 * `X-Request-Id` header, and once the response is sent records it (`started` is `process.hrtime.bigint()` when it
 * arrived, `route` its metrics label). Returns the id.
 */
export function observeRequest(
  req: IncomingMessage,
  res: ServerResponse,
  logger: Logger,
  metrics: Metrics,
  started: bigint,
  route: () => string,
): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && CLIENT_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  // Express rewrites `url` inside mounted routers and keeps the one received as `originalUrl`.
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url;
  res.on('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const labels = { method: req.method ?? '', route: route(), status: String(res.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, seconds);
    const line = { reqId: id, method: req.method, url, status: res.statusCode, ms: seconds * 1000 };
    if (res.statusCode >= 500) logger.error(line, 'request failed');
    else logger.info(line, 'request');
  });
  return id;
}
