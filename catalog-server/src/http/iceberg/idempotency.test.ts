import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger } from '../../observability/logger.ts';
import { IdempotencyStore } from '../../store/sqlite/idempotency-store.ts';
import { SqliteVersionStore } from '../../store/sqlite/sqlite-store.ts';
import { errorHandler } from '../error-handler.ts';
import { idempotentMutations, type IdempotencyTiming } from './idempotency.ts';

/**
 * The Idempotency-Key claim over HTTP on a real server (port 0) and a SQLite store: duplicates in flight wait for the
 * first outcome, a claim of a dead holder lapses, a failed request releases its claim, a slow one keeps it.
 */
describe('Idempotency-Key claims of running requests', () => {
  let store: SqliteVersionStore;
  let keys: IdempotencyStore;
  let server: http.Server;
  let url: string;
  /** How often the handler ran, and what it does next. */
  let runs = 0;
  let delayMs = 0;
  let failures = 0;

  const start = async (timing: IdempotencyTiming) => {
    const app = express();
    app.use(idempotentMutations(keys, createLogger('silent'), timing));
    app.post('/things', async (_req, res) => {
      const run = ++runs;
      await new Promise((r) => setTimeout(r, delayMs));
      if (failures > 0) {
        failures--;
        res.status(503).json({ run });
        return;
      }
      res.status(200).json({ run });
    });
    app.use(errorHandler(createLogger('silent')));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/things`;
  };
  const send = async (key: string) => {
    const res = await fetch(url, { method: 'POST', headers: { 'idempotency-key': key } });
    return { status: res.status, text: await res.text() };
  };

  /** Resolves once the handler runs (so the first request holds the claim). */
  const started = async () => {
    while (runs === 0) await new Promise((r) => setTimeout(r, 5));
  };

  beforeEach(async () => {
    store = await SqliteVersionStore.open(':memory:');
    keys = new IdempotencyStore(store.db);
    runs = 0;
    delayMs = 0;
    failures = 0;
  });
  afterEach(async () => {
    await new Promise((r) => server?.close(r));
    await store.close();
  });

  it('runs concurrent duplicates once; every one gets the first outcome byte for byte', async () => {
    await start({ leaseMs: 10_000, waitMs: 10_000, pollMs: 20 });
    delayMs = 150;
    const key = randomUUID();
    const answers = await Promise.all([1, 2, 3, 4].map(() => send(key)));
    assert.equal(runs, 1);
    for (const a of answers) assert.deepEqual(a, { status: 200, text: '{"run":1}' });
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_PROGRESS when the first request does not finish within the wait', async () => {
    await start({ leaseMs: 10_000, waitMs: 200, pollMs: 20 });
    delayMs = 1000;
    const key = randomUUID();
    const first = send(key);
    await started();
    const dup = await send(key);
    assert.equal(dup.status, 409);
    assert.equal(JSON.parse(dup.text).error.type, 'IdempotencyKeyInProgressException');
    assert.deepEqual(await first, { status: 200, text: '{"run":1}' });
    assert.deepEqual(await send(key), { status: 200, text: '{"run":1}' }, 'a later retry gets the outcome');
    assert.equal(runs, 1);
  });

  it('takes over the claim of a holder that stopped renewing it once it lapses', async () => {
    await start({ leaseMs: 10_000, waitMs: 5000, pollMs: 20 });
    const key = randomUUID();
    const now = Date.now();
    // What a server killed mid-request leaves behind (fingerprint of this very request).
    assert.equal(
      await keys.claim({ key, fingerprint: `POST /things ${EMPTY_SHA256}`, holder: 'dead', expiresMs: now + 300 }),
      undefined,
    );
    const t0 = Date.now();
    assert.deepEqual(await send(key), { status: 200, text: '{"run":1}' });
    assert.ok(Date.now() - t0 >= 250, 'waited for the lapse');
  });

  it('releases the claim of a request that failed (5xx), so the retry runs', async () => {
    await start({ leaseMs: 10_000, waitMs: 1000, pollMs: 20 });
    failures = 1;
    const key = randomUUID();
    assert.deepEqual(await send(key), { status: 503, text: '{"run":1}' });
    assert.deepEqual(await send(key), { status: 200, text: '{"run":2}' });
    assert.deepEqual(await send(key), { status: 200, text: '{"run":2}' });
  });

  it('keeps renewing the claim of a request that runs longer than a lease', async () => {
    await start({ leaseMs: 90, waitMs: 5000, pollMs: 20 });
    delayMs = 400;
    const key = randomUUID();
    const first = send(key);
    await started();
    // Past two leases: only the renewals keep the claim.
    await new Promise((r) => setTimeout(r, 200));
    const dup = await send(key);
    assert.deepEqual(await first, { status: 200, text: '{"run":1}' });
    assert.deepEqual(dup, { status: 200, text: '{"run":1}' });
    assert.equal(runs, 1);
  });

  it('answers 422 to a different request that arrives with the key of a running one', async () => {
    await start({ leaseMs: 10_000, waitMs: 5000, pollMs: 20 });
    const key = randomUUID();
    await keys.claim({ key, fingerprint: 'DELETE /elsewhere x', holder: 'other', expiresMs: Date.now() + 60_000 });
    const r = await send(key);
    assert.equal(r.status, 422);
    assert.equal(JSON.parse(r.text).error.type, 'UnprocessableEntityException');
    assert.equal(runs, 0);
  });
});

/** SHA-256 of an empty body, as the fingerprint of a request without one has it. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
