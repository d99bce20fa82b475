import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IdempotencyRecords } from '../../store/companions.ts';
import { BadRequestError, UnprocessableEntityError } from '../../errors/index.ts';

/** How long a client may reuse a key (advertised as `idempotency-key-lifetime` in /v1/config). */
export const IDEMPOTENCY_KEY_LIFETIME = 'PT30M';

const KEY = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Response headers a replay repeats; the rest (date, connection, length) belong to the new response. */
const REPLAYED_HEADERS = ['content-type', 'etag'];

function fingerprintOf(req: Request): string {
  const raw = (req as { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
  return `${req.method} ${req.originalUrl} ${createHash('sha256').update(raw).digest('hex')}`;
}

/**
 * `Idempotency-Key` on Iceberg REST mutations (POST, DELETE), as the REST spec 1.11 defines it: the first final
 * outcome of a key (2xx, or a 4xx, which is as final) is recorded before the response is sent, and a request with the
 * same key gets that outcome again without running, also after a restart (the records are in the catalog database). A 5xx is not
 * recorded, so a retry runs again. A duplicate that arrives while the first is still running waits for it. The same
 * key on a different request (method, path or body) is a 422. Requests without the header are untouched.
 *
 * @example api.use(idempotentMutations(new IdempotencyStore(store.db)))
 */
export function idempotentMutations(store: IdempotencyRecords): RequestHandler {
  const running = new Map<string, Promise<void>>();
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = req.header('idempotency-key');
    if (key === undefined || (req.method !== 'POST' && req.method !== 'DELETE')) return next();
    try {
      if (!KEY.test(key)) throw new BadRequestError(`Idempotency-Key must be a UUID (e.g. a UUIDv7), got "${key}".`);
      const fingerprint = fingerprintOf(req);
      for (let earlier = running.get(key); earlier; earlier = running.get(key)) await earlier;
      const done = await store.get(key);
      if (done) {
        if (done.fingerprint !== fingerprint)
          throw new UnprocessableEntityError(
            `Idempotency-Key ${key} was already used for another request (${done.fingerprint.split(' ').slice(0, 2).join(' ')}). Use a new key for a new operation.`,
            { key },
          );
        res.status(done.status);
        for (const [h, v] of Object.entries(done.headers)) res.setHeader(h, v);
        res.end(done.body);
        return;
      }
      let finished!: () => void;
      running.set(
        key,
        new Promise<void>((resolve) => {
          finished = resolve;
        }),
      );
      res.once('close', () => {
        running.delete(key);
        finished();
      });
      recordOnEnd(res, (status, headers, body) => {
        if (status >= 500) return;
        return store.put({ key, fingerprint, status, headers, body, createdMs: Date.now() }).catch((err: unknown) => {
          // The outcome stands; only a retry of it would run again.
          console.error(`[catalog] could not record Idempotency-Key ${key}:`, err);
        });
      });
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Calls `record` with the response's status, replayable headers and body, and hands the body to the socket once
 * what `record` returns has settled, whichever handler (or the error handler) ends the response.
 */
function recordOnEnd(
  res: Response,
  record: (status: number, headers: Record<string, string>, body: Buffer) => Promise<void> | undefined,
): void {
  const chunks: Buffer[] = [];
  const toBuffer = (chunk: unknown, encoding?: unknown): Buffer | undefined =>
    chunk === undefined || chunk === null || typeof chunk === 'function'
      ? undefined
      : Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    const b = toBuffer(chunk, rest[0]);
    if (b) chunks.push(b);
    return write(chunk, ...rest);
  }) as Response['write'];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    const b = toBuffer(chunk, rest[0]);
    if (b) chunks.push(b);
    const headers: Record<string, string> = {};
    for (const h of REPLAYED_HEADERS) {
      const v = res.getHeader(h);
      if (v !== undefined) headers[h] = String(v);
    }
    // The outcome is recorded before the response leaves, so a retry that follows the response finds it.
    const recorded = record(res.statusCode, headers, Buffer.concat(chunks));
    if (!recorded) return end(chunk, ...rest);
    void recorded.then(() => end(chunk, ...rest));
    return res;
  }) as Response['end'];
}
