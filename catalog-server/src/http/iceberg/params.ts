import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import type { CommitInfo, NamespaceVisibility } from '../../service/iceberg/index.ts';
import { BadRequestError } from '../../errors/index.ts';
import { assertPropertiesWithinLimits } from '../../limits.ts';
import { accessOf, auditMeta } from '../auth/access.ts';
import { icebergRefName } from '../auth/requirement.ts';

/** The ref this request addresses (set by the router from the URL: `/iceberg/<ref>/v1/...`). */
export function refOf(req: Request): string {
  return (req as { icebergRef?: string }).icebergRef ?? 'main';
}

/**
 * Which namespaces a listing on this request's ref shows the caller: those it may read, and those a rule's pattern
 * could reach below (`sales` for `sales.eu`), which the listing shows only where a readable one exists below them
 * (undefined without namespace-restricted rules: all).
 */
export function shownNamespacesOf(req: Request): NamespaceVisibility | undefined {
  const ref = icebergRefName(refOf(req));
  const access = accessOf(req);
  const readable = access.readableNamespaces(ref);
  const onTheWay = access.shownNamespaces(ref);
  return readable && onTheWay ? { readable, onTheWay } : undefined;
}

/** Namespace levels from a path or `parent=` value: levels are joined by the unit separator (`%1F`). */
export function namespaceOf(value: unknown, what = 'namespace'): string[] {
  if (typeof value !== 'string' || value.length === 0) throw new BadRequestError(`Missing ${what}.`);
  const levels = value.split('\u001f');
  if (levels.some((l) => l.length === 0)) throw new BadRequestError(`Invalid ${what} "${value}": empty level.`);
  return levels;
}

/** A single path parameter as a string. */
export function param(req: Request, name: string): string {
  const v = (req.params as Record<string, unknown>)[name];
  if (typeof v !== 'string' || v.length === 0) throw new BadRequestError(`Missing path parameter ${name}.`);
  return v;
}

function queryString(req: Request, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** `pageToken` (empty = first page, as Java sends it) and `pageSize`. */
export function pageOf(req: Request): { pageToken?: string; pageSize?: number } {
  const token = queryString(req, 'pageToken');
  const size = queryString(req, 'pageSize');
  let pageSize: number | undefined;
  if (size !== undefined && size !== '') {
    pageSize = Number(size);
    if (!Number.isInteger(pageSize) || pageSize < 1)
      throw new BadRequestError(`Invalid pageSize "${size}": use a positive integer.`);
  }
  return { pageToken: token || undefined, pageSize };
}

/** A boolean query flag; accepts `true`/`True`/`TRUE`/`1` (PyIceberg sends `True`). */
export function flagOf(req: Request, name: string): boolean {
  const v = queryString(req, name);
  if (v === undefined || v === '') return false;
  const l = v.toLowerCase();
  if (l === 'true' || l === '1') return true;
  if (l === 'false' || l === '0') return false;
  throw new BadRequestError(`Invalid ${name}="${v}": use true or false.`);
}

/** An optional query string parameter. */
export function queryOf(req: Request, name: string): string | undefined {
  return queryString(req, name);
}

/** A request header as one string (repeated ones joined, as express's `req.header` gives them), or undefined. */
export function headerOf(req: Pick<IncomingMessage, 'headers'>, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * Commit author/message/properties given by the client (`X-Rat-Author`, `X-Rat-Message`, `X-Rat-Properties` as a
 * JSON object of strings); with auth on, the author is the authenticated caller.
 */
export function commitInfoOf(req: IncomingMessage): CommitInfo {
  const author = headerOf(req, 'x-rat-author') || undefined;
  const message = headerOf(req, 'x-rat-message') || undefined;
  const rawProps = headerOf(req, 'x-rat-properties');
  let properties: Record<string, string> | undefined;
  if (rawProps) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawProps);
    } catch {
      throw new BadRequestError('X-Rat-Properties must be a JSON object of strings.');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new BadRequestError('X-Rat-Properties must be a JSON object of strings.');
    properties = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    assertPropertiesWithinLimits(properties);
  }
  return auditMeta(req, { author, message, properties });
}
