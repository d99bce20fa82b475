import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AppContext } from '../app-context.ts';
import { LIMITS } from '../limits.ts';
import { BadRequestError } from '../errors/index.ts';
import { errorAnswer } from './error-handler.ts';
import { commitTableResponse } from './iceberg/commit-table-response.ts';
import { parseJsonBody, sendJsonBytes, sendJsonPieces } from './iceberg/json-io.ts';
import { idempotencyFingerprint, runIdempotently } from './iceberg/idempotency.ts';
import { commitInfoOf, headerOf } from './iceberg/params.ts';
import { TABLE_ROUTE, plainlyAllowed, tablePathOf, type TablePath } from './hot-table-path.ts';
import { observeRequest } from './observe-requests.ts';

/** The content types express's JSON parser reads as UTF-8 JSON without a question; others go to it. */
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;

/**
 * Answers table commits (updateTable, `POST …/tables/<table>`, what every engine's append, overwrite and schema change
 * sends) ahead of express, and hands every other request to `app`.
 *
 * A commit's own work is a few hundred microseconds of CPU, and express added about as much again: its per-request
 * setup, a walk past every namespace route, a body parser that reads the body into a string and parses it once for
 * nothing (the Iceberg routes parse the bytes again, keeping 64-bit ids exact). Here the body is read and parsed once
 * and the answer is the express route's own (`commitTableResponse`), with the same request id, log line, metrics and
 * error bodies (the one error map, `errorAnswer`); an `Idempotency-Key` is honoured by the same code as behind express
 * (`runIdempotently`, bound to the same fingerprint, so a retry may reach either front end). Whatever is not the plain
 * case goes to express before anything of it is read: a query or prefix segment, a body that is not plain UTF-8 JSON
 * of a declared length within the limit (express answers 413, 415, or inflates it), a caller the policy does not
 * plainly let commit on the whole reference (express answers 401 or 403, and decides namespace-restricted writers with
 * the body in hand). Once the body is read, the request is this front end's to answer,
 * errors included.
 *
 * @example http.createServer(hotReads(ctx, hotCommits(ctx, createApp(ctx))))
 */
export function hotCommits(ctx: AppContext, app: RequestListener): RequestListener {
  return (req, res) => {
    const target = commitTarget(req.method ?? '', req.url ?? '', req.headers, ctx.store.defaultBranch);
    if (!target) {
      app(req, res);
      return;
    }
    const started = process.hrtime.bigint();
    const counted = (frontEnd: 'hot' | 'express') => ctx.metrics.tableCommitFrontEnds.inc({ front_end: frontEnd });
    // Reference-wide writers only: what a namespace-restricted writer may commit depends on the body (a commit that
    // moves the table needs a reference-wide rule, http/auth/location-choice.ts), which express's middleware reads.
    void plainlyAllowed(ctx, req, target.path, ['commit'], { wholeRef: true }).then(
      (allowed) => {
        counted(allowed ? 'hot' : 'express');
        if (allowed) return answer(ctx, req, res, target, started);
        app(req, res);
      },
      // The policy failed, not the caller: express asks it again and answers with the error map.
      () => {
        counted('express');
        app(req, res);
      },
    );
  };
}

async function answer(
  ctx: AppContext,
  req: IncomingMessage,
  res: ServerResponse,
  target: CommitTarget,
  started: bigint,
): Promise<void> {
  const reqId = observeRequest(req, res, ctx.logger, ctx.metrics, started, () => TABLE_ROUTE);
  const fail = (err: unknown) => {
    const a = errorAnswer(err, { method: 'POST', url: req.url ?? '', reqId }, ctx.logger);
    if (res.headersSent) res.destroy();
    else sendJsonBytes(res, Buffer.from(JSON.stringify(a.body)), a.status);
  };
  try {
    const raw = await readBody(req, target.length);
    // Parsed before the key is looked at: JSON that does not parse is refused unrecorded, as express's parser does.
    const body = parseJsonBody(raw);
    const key = headerOf(req, 'idempotency-key');
    // Without records (no idempotency configured) the key means nothing here, as behind express.
    if (key === undefined || !ctx.idempotency) return await commit(ctx, req, res, target, body);
    const fingerprint = idempotencyFingerprint('POST', req.url ?? '', raw);
    await runIdempotently({ store: ctx.idempotency, logger: ctx.logger }, { key, fingerprint }, res, () => {
      commit(ctx, req, res, target, body).catch(fail);
    });
  } catch (err) {
    fail(err);
  }
}

async function commit(
  ctx: AppContext,
  req: IncomingMessage,
  res: ServerResponse,
  target: CommitTarget,
  body: unknown,
): Promise<void> {
  const r = await commitTableResponse(ctx, { ...target.table, body, info: commitInfoOf(req) });
  res.setHeader('ETag', r.etag);
  sendJsonPieces(res, r.pieces);
}

/** The body of `length` declared bytes (node's parser stops a request at its Content-Length). */
function readBody(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      if (body.length === length) resolve(body);
      else reject(malformed(`it ended after ${body.length} of its ${length} bytes`));
    });
    req.on('error', (err) => reject(malformed(err.message)));
  });
}

/** A body that did not arrive whole: a 400, as express's body parser has it answered (error-handler.ts). */
function malformed(why: string): BadRequestError {
  return new BadRequestError(`Malformed request body: ${why}`);
}

/** A commit this front end answers: the raw path (for the policy), the table it names, the body's declared length. */
export interface CommitTarget {
  path: string;
  table: TablePath;
  length: number;
}

/**
 * The commit a request asks for, or undefined when express should route it (see {@link hotCommits} for what it takes).
 *
 * @example commitTarget('POST', '/iceberg/dev/v1/namespaces/db/tables/t', { 'content-length': '90' }, 'main')?.table.ref // 'dev'
 */
export function commitTarget(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  defaultBranch: string,
): CommitTarget | undefined {
  if (method !== 'POST' || url.includes('?')) return undefined;
  if (headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined) return undefined;
  const type = headers['content-type'];
  if (type !== undefined && !PLAIN_JSON.test(type)) return undefined;
  const length = Number(headers['content-length']);
  if (!Number.isInteger(length) || length <= 0 || length > LIMITS.requestBodyBytes) return undefined;
  const table = tablePathOf(url, defaultBranch);
  return table && { path: url, table, length };
}
