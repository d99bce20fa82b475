import { createHash, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IdempotencyRecords, IdempotentOutcome } from '../../store/companions.ts';
import { BadRequestError, IdempotencyKeyInProgressError, UnprocessableEntityError } from '../../errors/index.ts';
import type { Logger } from '../../observability/logger.ts';

/** How long a client may reuse a key (advertised as `idempotency-key-lifetime` in /v1/config). */
export const IDEMPOTENCY_KEY_LIFETIME = 'PT30M';

/** How a running request holds its key and how long a duplicate waits for the outcome. */
export interface IdempotencyTiming {
  /** A claim lapses this long after its last renewal (the holder renews it every third of it while it runs). */
  leaseMs: number;
  /** How long a duplicate waits for the first request's outcome before answering 409. */
  waitMs: number;
  /** The longest pause between two looks at the outcome while waiting (they start at 10 ms and double). */
  pollMs: number;
}

/**
 * The defaults: a server that dies mid-request holds its keys for at most 30 s, then a waiting duplicate takes over;
 * a duplicate waits up to 60 s (longer than a lease, so it outlives a dead holder) before a 409.
 */
export const IDEMPOTENCY_TIMING: IdempotencyTiming = { leaseMs: 30_000, waitMs: 60_000, pollMs: 250 };

/** How long a request may hold its key at most (the advertised key lifetime): no request legitimately runs longer. */
const RENEW_AT_MOST_MS = 30 * 60 * 1000;

const KEY = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Response headers a replay repeats; the rest (date, connection, length) belong to the new response. */
const REPLAYED_HEADERS = ['content-type', 'etag'];

/** What a key is bound to: the method, the URL as received and the body's SHA-256, whichever front end read it. */
export function idempotencyFingerprint(method: string, url: string, rawBody: Buffer | undefined): string {
  return `${method} ${url} ${createHash('sha256')
    .update(rawBody ?? Buffer.alloc(0))
    .digest('hex')}`;
}

function keyReused(key: string, firstFingerprint: string): UnprocessableEntityError {
  return new UnprocessableEntityError(
    `Idempotency-Key ${key} was already used for another request (${firstFingerprint.split(' ').slice(0, 2).join(' ')}). Use a new key for a new operation.`,
    { key },
  );
}

/**
 * `Idempotency-Key` on Iceberg REST mutations (POST, DELETE), as the REST spec 1.11 defines it: the first final
 * outcome of a key (2xx, or a 4xx, which is as final) is recorded before the response is sent, and a request with the
 * same key gets that outcome again without running, also after a restart (the records are in the catalog database). A
 * 5xx is not recorded, so a retry runs again. The same key on a different request (method, path or body) is a 422.
 * Requests without the header are untouched.
 *
 * A request claims its key in the database before it runs, so a duplicate that arrives meanwhile, on this server or
 * any other replica, waits for the outcome and answers with it byte for byte; after `timing.waitMs` it gets a 409
 * (`IDEMPOTENCY_KEY_IN_PROGRESS`, nothing done). A claim whose server died lapses after `timing.leaseMs` and is taken
 * over by the next duplicate; a request that ends in a 5xx releases its claim.
 *
 * @example api.use(idempotentMutations(new IdempotencyStore(store.db), logger))
 */
export function idempotentMutations(
  store: IdempotencyRecords,
  logger: Logger,
  timing: IdempotencyTiming = IDEMPOTENCY_TIMING,
): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = req.header('idempotency-key');
    if (key === undefined || (req.method !== 'POST' && req.method !== 'DELETE')) return next();
    try {
      const fingerprint = idempotencyFingerprint(req.method, req.originalUrl, (req as { rawBody?: Buffer }).rawBody);
      await runIdempotently({ store, logger, timing }, { key, fingerprint }, res, () => next());
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Runs a mutation carrying `Idempotency-Key: key` once (see {@link idempotentMutations}): answers on `res` with the
 * key's recorded outcome when there is one, or else claims the key, calls `run` (which answers on `res`, errors
 * included) and records the answer as it is sent. Throws, with nothing answered or recorded, for a key that is not a
 * UUID (400), a key already used for another request (422) or one still running elsewhere past the wait (409). The
 * express middleware and the commit front end ahead of express (http/hot-commits.ts) both run mutations through here.
 */
export async function runIdempotently(
  records: { store: IdempotencyRecords; logger: Logger; timing?: IdempotencyTiming },
  request: { key: string; fingerprint: string },
  res: ServerResponse,
  run: () => void,
): Promise<void> {
  const { store, logger, timing = IDEMPOTENCY_TIMING } = records;
  const { key, fingerprint } = request;
  if (!KEY.test(key)) throw new BadRequestError(`Idempotency-Key must be a UUID (e.g. a UUIDv7), got "${key}".`);
  const holder = randomUUID();
  const done = await takeTurn(store, { key, fingerprint, holder }, timing);
  if (done) {
    if (done.fingerprint !== fingerprint) throw keyReused(key, done.fingerprint);
    res.statusCode = done.status;
    for (const [h, v] of Object.entries(done.headers)) res.setHeader(h, v);
    res.end(done.body);
    return;
  }
  const log = (what: string) => (err: unknown) => logger.error({ err, idempotencyKey: key }, `could not ${what}`);
  // Renewed while the request runs (also after its client went away: the handler still finishes), so a slow request
  // is never taken over; a dead server stops renewing. A handler that never ends stops holding the key after
  // RENEW_AT_MOST_MS.
  const started = Date.now();
  const renewal = setInterval(
    () => {
      if (Date.now() - started > RENEW_AT_MOST_MS) return clearInterval(renewal);
      void store
        .claim({ key, fingerprint, holder, expiresMs: Date.now() + timing.leaseMs })
        .catch(log('renew the claim of Idempotency-Key'));
    },
    Math.max(1, Math.floor(timing.leaseMs / 3)),
  );
  renewal.unref();
  recordOnEnd(res, (status, headers, body) => {
    clearInterval(renewal);
    if (status >= 500) return store.release(key, holder).catch(log('release Idempotency-Key'));
    return store.put({ key, fingerprint, status, headers, body, createdMs: Date.now() }).catch((err: unknown) => {
      // The outcome stands; only a retry of it would run again.
      log('record Idempotency-Key')(err);
      return store.release(key, holder).catch(log('release Idempotency-Key'));
    });
  });
  run();
}

/**
 * Waits until the key's outcome is known (answered) or this request holds the key's claim (undefined: run it).
 * Throws 422 when the running request with this key is a different one, 409 when it does not finish in time.
 */
async function takeTurn(
  store: IdempotencyRecords,
  me: { key: string; fingerprint: string; holder: string },
  timing: IdempotencyTiming,
): Promise<IdempotentOutcome | undefined> {
  const deadline = Date.now() + timing.waitMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, timing.pollMs)) {
    const done = await store.get(me.key);
    if (done) return done;
    const now = Date.now();
    const other = await store.claim({ ...me, expiresMs: now + timing.leaseMs }, now);
    if (!other) {
      // An outcome recorded between the look above and the claim ended its holder's claim: answer with it.
      const late = await store.get(me.key);
      if (late) await store.release(me.key, me.holder);
      return late;
    }
    if (other.fingerprint !== me.fingerprint) throw keyReused(me.key, other.fingerprint);
    const left = deadline - Date.now();
    if (left <= 0) throw new IdempotencyKeyInProgressError(me.key, timing.waitMs);
    await new Promise((r) => setTimeout(r, Math.min(pause, left)));
  }
}

/**
 * Calls `record` with the response's status, replayable headers and body, and hands the body to the socket once
 * what `record` returns has settled, whichever handler (or the error handler) ends the response.
 */
function recordOnEnd(
  res: ServerResponse,
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
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    const b = toBuffer(chunk, rest[0]);
    if (b) chunks.push(b);
    return write(chunk, ...rest);
  }) as ServerResponse['write'];
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
  }) as ServerResponse['end'];
}
