import type { ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import { parseJson, stringifyJson } from '@ratatouille/iceberg';
import { BadRequestError } from '../../errors/index.ts';
import { assertIcebergBodyWithinLimits } from './request-limits.ts';
import { requireBody, type BodySchema } from '../json-body.ts';

/**
 * The request body parsed with 64-bit integers kept exact (snapshot ids). app.ts keeps the raw bytes for this;
 * without them (no body) the body is absent.
 */
export function jsonBody(req: Request): unknown {
  const raw = (req as { rawBody?: Buffer }).rawBody;
  return raw && raw.length > 0 ? parseJsonBody(raw) : req.body;
}

/** A request body's bytes parsed with 64-bit integers kept exact; a 400 when they are not JSON. */
export function parseJsonBody(raw: Buffer): unknown {
  try {
    return parseJson(raw.toString('utf8'));
  } catch (err) {
    throw new BadRequestError(`Malformed JSON body: ${(err as Error).message}`);
  }
}

/** Sends a JSON response, writing bigint ids as exact numbers. */
export function sendJson(res: Response, body: unknown, status = 200): void {
  res.status(status).type('application/json').send(stringifyJson(body));
}

/**
 * Sends JSON already serialized and encoded (a cached answer): no per-request string building or encoding, and
 * straight to node's `end` rather than through express's `send`, whose content-type lookup and freshness check the
 * caller has no use for (it answers If-None-Match itself; the app computes no ETags). Node sends no body for HEAD.
 */
export function sendJsonBytes(res: ServerResponse, bytes: Buffer, status = 200): void {
  res.statusCode = status;
  // The charset express adds to a string body, so both kinds of answer carry the same Content-Type.
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', bytes.length);
  res.end(bytes);
}

/**
 * Sends JSON given as pieces, text or already encoded, in order (a metadata file's bytes inside the answer's
 * envelope), without copying them into one buffer; corked so they leave as one write (`end` uncorks).
 */
export function sendJsonPieces(res: ServerResponse, pieces: ReadonlyArray<string | Buffer>, status = 200): void {
  const buffers = pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p));
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader(
    'Content-Length',
    buffers.reduce((n, b) => n + b.length, 0),
  );
  res.cork();
  for (const b of buffers.slice(0, -1)) res.write(b);
  res.end(buffers.at(-1));
}

/**
 * Validates the body with a request schema and the property limits of limits.ts. The Iceberg library's errors (an
 * unknown update action) and zod's go to the error handler, which answers them as 400s.
 */
export function parseBody<T>(schema: BodySchema<T>, req: Request): T {
  return validatedBody(schema, jsonBody(req));
}

/** {@link parseBody} for a body already parsed (by a front end ahead of express). */
export function validatedBody<T>(schema: BodySchema<T>, body: unknown): T {
  const parsed = requireBody(schema, body);
  assertIcebergBodyWithinLimits(parsed);
  return parsed;
}
