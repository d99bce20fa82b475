import assert from 'node:assert/strict';
import type { CodeLinks, IdempotencyRecords, PendingMerges, ReleasedTables } from './companions.ts';
import { DELIVERY_CLAIM_LEASE_MS } from './companions.ts';

/** What a backend hands the companion contract: fresh, empty tables and how to release them. */
export interface CompanionFixture {
  links: CodeLinks;
  /** Idempotency records with a one-hour retention. */
  keys: IdempotencyRecords;
  pending: PendingMerges;
  released: ReleasedTables;
  close(): Promise<void>;
}

const HOUR = 60 * 60 * 1000;

/**
 * The behaviour every backend's code links and idempotency records must have; run by each backend's test file.
 *
 * @example describeCompanionContract('SQLite', async () => { const s = await SqliteVersionStore.open(':memory:'); ... })
 */
export function describeCompanionContract(name: string, open: () => Promise<CompanionFixture>): void {
  describe(`companion tables contract: ${name}`, () => {
    let f: CompanionFixture;
    beforeEach(async () => {
      f = await open();
    });
    afterEach(() => f.close());

    it('puts, gets (case-insensitive sha), replaces, lists by data hash and in sha order', async () => {
      const { links } = f;
      assert.equal(await links.get('abc1234'), undefined);
      await links.put({ sha: 'ABC1234', dataRef: 'main', dataHash: 'h1', codeBranch: 'main' });
      assert.deepEqual(
        { ...(await links.get('abc1234')), recordedAt: undefined },
        { sha: 'abc1234', dataRef: 'main', dataHash: 'h1', codeBranch: 'main', recordedAt: undefined },
      );
      await links.put({ sha: 'abc1234', dataRef: 'feature', dataHash: 'h2' });
      assert.equal((await links.get('abc1234'))?.dataRef, 'feature');
      assert.equal((await links.get('abc1234'))?.codeBranch, undefined);
      await links.put({ sha: 'def5678', dataRef: 'feature', dataHash: 'h2' });
      assert.deepEqual((await links.byDataHash('h2')).map((l) => l.sha).sort(), ['abc1234', 'def5678']);
      assert.deepEqual(
        (await links.list('', 10)).map((l) => l.sha),
        ['abc1234', 'def5678'],
      );
      assert.deepEqual(
        (await links.list('abc1234', 10)).map((l) => l.sha),
        ['def5678'],
      );
    });

    it('lists links by data hash newest first, ties by sha, a page at a time after a position', async () => {
      const { links } = f;
      const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
      // Two links in the same millisecond: the sha orders them, so a page boundary between them resumes exactly.
      for (const [sha, s] of [
        ['a1', 1],
        ['b2', 3],
        ['c3', 3],
        ['d4', 2],
      ] as const) {
        await links.put({ sha: sha.repeat(20), dataRef: 'main', dataHash: 'h9', recordedAt: at(s) });
      }
      await links.put({ sha: 'e5'.repeat(20), dataRef: 'main', dataHash: 'other', recordedAt: at(4) });
      const shas = (ls: Array<{ sha: string }>) => ls.map((l) => l.sha.slice(0, 2));
      assert.deepEqual(shas(await links.byDataHash('h9')), ['c3', 'b2', 'd4', 'a1']);
      const first = await links.byDataHash('h9', { limit: 1 });
      assert.deepEqual(shas(first), ['c3']);
      const after = { recordedAt: first[0]!.recordedAt, sha: first[0]!.sha };
      assert.deepEqual(shas(await links.byDataHash('h9', { limit: 2, after })), ['b2', 'd4']);
      assert.deepEqual(shas(await links.byDataHash('h9', { after: { recordedAt: at(2), sha: 'd4'.repeat(20) } })), [
        'a1',
      ]);
    });

    it('a delivery is claimed once; a released claim can be claimed again', async () => {
      const { links } = f;
      assert.equal(await links.claimDelivery('github', 'd1'), true);
      assert.equal(await links.claimDelivery('github', 'd1'), false);
      assert.equal(await links.claimDelivery('gitlab', 'd1'), true, 'ids are per forge');
      await links.releaseDelivery('github', 'd1');
      assert.equal(await links.claimDelivery('github', 'd1'), true);
      await links.finishDelivery('github', 'd1', { status: 'merged' });
      await links.releaseDelivery('github', 'd1');
      assert.equal(await links.claimDelivery('github', 'd1'), false, 'a finished delivery stays');
      assert.deepEqual((await links.getDelivery('github', 'd1'))?.result, { status: 'merged' });
    });

    it('takes over a delivery left processing past its lease (its server was killed mid-way), never a finished one', async () => {
      const { links } = f;
      const t0 = Date.UTC(2026, 0, 1);
      assert.equal(await links.claimDelivery('github', 'crashed', t0), true);
      assert.equal(await links.claimDelivery('github', 'crashed', t0 + DELIVERY_CLAIM_LEASE_MS - 1), false);
      assert.equal(await links.claimDelivery('github', 'crashed', t0 + DELIVERY_CLAIM_LEASE_MS + 1), true);
      assert.equal(await links.claimDelivery('github', 'crashed', t0 + DELIVERY_CLAIM_LEASE_MS + 2), false, 'renewed');
      await links.finishDelivery('github', 'crashed', { status: 'merged' });
      assert.equal(await links.claimDelivery('github', 'crashed', t0 + 100 * DELIVERY_CLAIM_LEASE_MS), false);
      assert.deepEqual((await links.getDelivery('github', 'crashed'))?.result, { status: 'merged' });
    });

    const outcome = (key: string, createdMs: number, status = 200) => ({
      key,
      fingerprint: 'POST /iceberg/v1/namespaces abc',
      status,
      headers: { 'content-type': 'application/json', etag: '"e"' },
      body: Buffer.from('{"namespace":["a"]}'),
      createdMs,
    });

    it('keeps the first outcome of an idempotency key, byte for byte', async () => {
      const { keys } = f;
      const now = Date.now();
      assert.equal(await keys.get('k', now), undefined);
      await keys.put(outcome('k', now));
      await keys.put(outcome('k', now + 1, 409));
      const got = await keys.get('k', now + 2);
      assert.equal(got?.status, 200, 'a later outcome does not replace the first');
      assert.deepEqual(got?.headers, { 'content-type': 'application/json', etag: '"e"' });
      assert.equal(got?.body.toString(), '{"namespace":["a"]}');
    });

    it('forgets idempotency outcomes older than the retention, on read and as new ones arrive', async () => {
      const { keys } = f;
      const t0 = Date.now();
      await keys.put(outcome('old', t0));
      assert.equal(await keys.get('old', t0 + 2 * HOUR), undefined);
      assert.ok(await keys.get('old', t0 + 1), 'still there until a newer outcome expires it');
      await keys.put(outcome('new', t0 + 2 * HOUR));
      assert.equal(await keys.get('old', t0 + 1), undefined, 'dropped when a newer outcome arrived');
      assert.ok(await keys.get('new', t0 + 2 * HOUR));
    });

    const claim = (holder: string, expiresMs: number, fingerprint = 'POST /iceberg/v1/namespaces abc') => ({
      key: 'k',
      fingerprint,
      holder,
      expiresMs,
    });

    it('an idempotency key is claimed by one holder at a time; renewed by it; taken over once it lapses', async () => {
      const { keys } = f;
      const now = Date.now();
      assert.equal(await keys.claim(claim('a', now + 1000), now), undefined, 'a free key is claimed');
      assert.deepEqual(await keys.claim(claim('b', now + 1000, 'POST /other x'), now), claim('a', now + 1000));
      assert.equal(await keys.claim(claim('a', now + 5000), now + 500), undefined, 'its holder renews it');
      assert.equal((await keys.claim(claim('b', now + 9000), now + 4000))?.holder, 'a', 'renewed: still live');
      assert.equal(await keys.claim(claim('b', now + 9000), now + 5000), undefined, 'lapsed: taken over');
      assert.equal((await keys.claim(claim('a', now + 9000), now + 5000))?.holder, 'b', 'the old holder lost it');
    });

    it('racing claims of one key: exactly one wins', async () => {
      const { keys } = f;
      const now = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => keys.claim({ ...claim(`h${i}`, now + 60_000), key: 'race' }, now)),
      );
      const winners = answers.filter((a) => a === undefined).length;
      assert.equal(winners, 1);
      const holders = new Set(answers.filter((a) => a !== undefined).map((a) => a.holder));
      assert.equal(holders.size, 1, 'every loser sees the one winner');
    });

    it('a released claim frees the key; only its holder releases it; an outcome ends the claim', async () => {
      const { keys } = f;
      const now = Date.now();
      assert.equal(await keys.claim(claim('a', now + 60_000), now), undefined);
      await keys.release('k', 'b');
      assert.equal((await keys.claim(claim('b', now + 60_000), now))?.holder, 'a', 'not released by another');
      await keys.release('k', 'a');
      assert.equal(await keys.claim(claim('b', now + 60_000), now), undefined, 'released: claimed afresh');
      await keys.put(outcome('k', now));
      assert.equal((await keys.get('k', now))?.status, 200);
      assert.equal(await keys.claim(claim('c', now + 60_000), now), undefined, 'the outcome ended the claim');
    });

    it('drops lapsed claims of keys nobody retried as new outcomes arrive', async () => {
      const { keys } = f;
      const t0 = Date.now();
      assert.equal(await keys.claim({ ...claim('dead', t0 + 1000), key: 'orphan' }, t0), undefined);
      await keys.put(outcome('other', t0 + 2000));
      // Claimed with a clock from before the lapse: free only because the lapsed claim was dropped.
      assert.equal(await keys.claim({ ...claim('next', t0 + 90_000), key: 'orphan' }, t0), undefined);
    });

    const pendingMerge = (id: string, targetRef: string, state: 'rebuild' | 'conflict' = 'rebuild') => ({
      id,
      sourceRef: 'feat',
      targetRef,
      sourceHash: 'abcd1234',
      sourceBranch: 'feat',
      targetBranch: targetRef,
      forge: 'github',
      state,
      tables: ['gold.daily_revenue'],
      blocking: state === 'conflict' ? ['gold.daily_revenue'] : [],
    });

    it('pending merges: recorded, listed by target (oldest first), replaced by id, deleted from their target', async () => {
      const { pending } = f;
      await pending.put({
        ...pendingMerge('a', 'main'),
        recordedAt: '2026-01-01T00:00:00Z',
        mergeSha: 'f'.repeat(40),
        request: 7,
      });
      await pending.put({ ...pendingMerge('b', 'main', 'conflict'), recordedAt: '2026-01-02T00:00:00Z' });
      await pending.put(pendingMerge('c', 'dev'));
      assert.deepEqual(
        (await pending.list('main')).map((p) => p.id),
        ['a', 'b'],
      );
      assert.equal((await pending.list()).length, 3);
      const a = (await pending.get('a'))!;
      assert.equal(a.mergeSha, 'f'.repeat(40));
      assert.equal(a.request, 7);
      assert.deepEqual(a.tables, ['gold.daily_revenue']);
      assert.equal((await pending.get('b'))?.mergedHash, undefined);
      await pending.put({ ...pendingMerge('a', 'main', 'conflict'), mergedHash: 'beef0001' });
      assert.equal((await pending.get('a'))?.state, 'conflict');
      assert.equal(await pending.delete('a', 'dev'), false, 'only from its own target');
      assert.equal(await pending.delete('a', 'main'), true);
      assert.equal(await pending.delete('a', 'main'), false);
      assert.deepEqual(
        (await pending.list('main')).map((p) => p.id),
        ['b'],
      );
    });

    const release = (metadataLocation: string, table: string[] = ['sales', 'orders']) => ({
      metadataLocation,
      prefixes: [metadataLocation.replace(/metadata\/[^/]*$/, ''), 's3://other/writes/'],
      ref: 'main',
      table,
    });

    it('released tables: recorded with the time of release, replaced by metadata location, deleted once', async () => {
      const { released } = f;
      const location = 's3://wh/sales/orders/metadata/00003-x.metadata.json';
      const before = Date.now();
      const first = await released.put(release(location));
      assert.ok(Date.parse(first.releasedAt) >= before - 1000, 'releasedAt defaults to now');
      assert.equal(new Date(first.releasedAt).toISOString(), first.releasedAt, 'as ISO-8601');
      assert.deepEqual(await released.list(undefined, 10), [first]);

      const again = await released.put({ ...release(location, ['sales', 'orders_v2']), ref: 'dev' });
      const listed = await released.list(undefined, 10);
      assert.equal(listed.length, 1, 'one record per metadata location');
      assert.deepEqual(listed[0], again);
      assert.equal(listed[0].ref, 'dev');
      assert.deepEqual(await released.get(location), again);
      assert.equal(await released.get('s3://wh/never/released.metadata.json'), undefined);

      assert.equal(await released.delete(location), true);
      assert.equal(await released.get(location), undefined, 'forgotten');
      assert.equal(await released.delete(location), false, 'nothing left to forget');
      assert.equal(await released.delete('s3://wh/never/released.metadata.json'), false);
      assert.deepEqual(await released.list(undefined, 10), []);
    });

    it('released tables: keep a given releasedAt, and their prefixes and name parts exactly', async () => {
      const { released } = f;
      const rec = {
        metadataLocation: 'file:///wh/a b/ünï/metadata/v1.metadata.json',
        // Order, duplicates, dots and quotes survive: the arrays are stored as given, not normalised.
        prefixes: ['file:///wh/a b/ünï/', 's3://b/"q"/', 'file:///wh/a b/ünï/'],
        ref: 'feature/x',
        table: ['a.b', 'c', 'd"e'],
        releasedAt: '2026-01-02T03:04:05.678Z',
      };
      assert.deepEqual(await released.put(rec), rec);
      assert.deepEqual(await released.list(undefined, 10), [rec]);
      const bare = { ...rec, metadataLocation: 'file:///wh/t/metadata/v2.metadata.json', prefixes: [], table: ['t'] };
      await released.put(bare);
      assert.deepEqual((await released.list(rec.metadataLocation, 10))[0], bare, 'empty prefixes stay empty');
    });

    it('released tables: listed a page at a time in metadata location order', async () => {
      const { released } = f;
      // Put out of order; 'B' sorts before 'a' (by code point, whatever the database's locale).
      const locations = ['s3://wh/c.json', 's3://wh/a.json', 's3://wh/B.json', 's3://wh/b.json', 's3://wh/a0.json'];
      for (const l of locations) await released.put(release(l));
      const sorted = ['s3://wh/B.json', 's3://wh/a.json', 's3://wh/a0.json', 's3://wh/b.json', 's3://wh/c.json'];
      const where = (rs: Array<{ metadataLocation: string }>) => rs.map((r) => r.metadataLocation);
      assert.deepEqual(where(await released.list(undefined, 100)), sorted);
      const pages: string[][] = [];
      for (let after: string | undefined; ;) {
        const page = await released.list(after, 2);
        if (page.length === 0) break;
        pages.push(where(page));
        after = page[page.length - 1].metadataLocation;
      }
      assert.deepEqual(pages, [sorted.slice(0, 2), sorted.slice(2, 4), sorted.slice(4)]);
      assert.deepEqual(where(await released.list('s3://wh/a', 2)), ['s3://wh/a.json', 's3://wh/a0.json']);
      assert.deepEqual(await released.list('s3://wh/c.json', 2), [], 'nothing after the last');
    });
  });
}
