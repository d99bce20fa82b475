import assert from 'node:assert/strict';
import {
  branchWithTables,
  createRef,
  del,
  expectStatus,
  freshBranch,
  get,
  head,
  ok,
  post,
  put,
  seg,
  unique,
  type Case,
} from './target.ts';

export const referenceCases: Case[] = [
  {
    name: 'config names the default branch, spec 2.2.0 and the no-ancestor hash',
    async run(t) {
      const c = ok(await get(t, '/config'));
      assert.equal(c.defaultBranch, 'main');
      assert.equal(c.specVersion, '2.2.0');
      assert.equal(c.actualApiVersion, 2);
      assert.match(c.noAncestorHash, /^[0-9a-f]{16,64}$/);
    },
  },
  {
    name: 'branches and tags: create, get, list, create from another ref',
    async run(t) {
      const b = await branchWithTables(t, ['t1']);
      const tag = unique('v');
      const tagHash = await createRef(t, tag, 'TAG', { name: b.name, hash: b.hash });
      assert.equal(tagHash, b.hash);
      const got = ok(await get(t, `/trees/${seg(tag)}`)).reference;
      assert.deepEqual(got, { type: 'TAG', name: tag, hash: b.hash });
      const child = unique('feature/x');
      await createRef(t, child, 'BRANCH', { name: b.name, hash: b.hash });
      const list = ok(await get(t, '/trees')).references as Array<{ name: string; type: string; hash: string }>;
      const byName = new Map(list.map((r) => [r.name, r]));
      assert.deepEqual(byName.get(b.name), { type: 'BRANCH', name: b.name, hash: b.hash });
      assert.deepEqual(byName.get(child), { type: 'BRANCH', name: child, hash: b.hash });
      assert.equal(byName.get(tag)?.type, 'TAG');
      // The slash in a name travels URL-encoded.
      assert.equal(ok(await get(t, `/trees/${seg(child)}`)).reference.name, child);
    },
  },
  {
    name: 'reference listing pages with max-records / page-token',
    async run(t) {
      for (let i = 0; i < 3; i++) await freshBranch(t, 'page');
      const all = ok(await get(t, '/trees')).references.map((r: { name: string }) => r.name);
      const seen: string[] = [];
      let token: string | null = null;
      let pages = 0;
      do {
        const body = ok(await get(t, `/trees?max-records=2${token ? `&page-token=${token}` : ''}`));
        assert.ok(body.references.length <= 2);
        seen.push(...body.references.map((r: { name: string }) => r.name));
        assert.equal(body.hasMore, body.token !== null);
        token = body.token;
        pages++;
      } while (token && pages < 1000);
      assert.deepEqual(seen, all);
      assert.ok(pages >= 2);
    },
  },
  {
    name: 'creating an existing name is 409 REFERENCE_ALREADY_EXISTS',
    async run(t) {
      const b = await freshBranch(t);
      const res = await post(t, `/trees?name=${seg(b.name)}&type=BRANCH`, {
        type: 'BRANCH',
        name: 'main',
        hash: t.noAncestorHash,
      });
      expectStatus(res, 409, 'REFERENCE_ALREADY_EXISTS');
    },
  },
  {
    name: 'invalid names, a missing type or a missing source hash are 400',
    async run(t) {
      const from = { type: 'BRANCH', name: 'main', hash: t.noAncestorHash };
      for (const bad of ['a..b', 'ends/', '.hidden', 'has space', 'x~1']) {
        expectStatus(await post(t, `/trees?name=${seg(bad)}&type=BRANCH`, from), 400, 'BAD_REQUEST');
      }
      expectStatus(await post(t, `/trees?name=${unique('ok')}`, from), 400, 'BAD_REQUEST');
      expectStatus(await post(t, `/trees?name=${unique('ok')}&type=FOO`, from), 400, 'BAD_REQUEST');
      expectStatus(await post(t, `/trees?name=${unique('ok')}&type=BRANCH`, { type: 'BRANCH', name: 'main' }), 400);
    },
  },
  {
    name: 'unknown reference or hash is 404 REFERENCE_NOT_FOUND',
    async run(t) {
      expectStatus(await get(t, `/trees/${unique('nope')}`), 404, 'REFERENCE_NOT_FOUND');
      expectStatus(await get(t, `/trees/${unique('nope')}/entries`), 404, 'REFERENCE_NOT_FOUND');
      const from = { type: 'BRANCH', name: 'main', hash: 'deadbeefdeadbeef' };
      expectStatus(await post(t, `/trees?name=${unique('x')}&type=TAG`, from), 404, 'REFERENCE_NOT_FOUND');
      const missingSource = { type: 'BRANCH', name: unique('nope'), hash: t.noAncestorHash };
      expectStatus(await post(t, `/trees?name=${unique('x')}&type=TAG`, missingSource), 404, 'REFERENCE_NOT_FOUND');
      const b = await freshBranch(t);
      expectStatus(await get(t, `/trees/${seg(b.name)}@deadbeefdeadbeef/entries`), 404, 'REFERENCE_NOT_FOUND');
    },
  },
  {
    name: 'GET of a reference with a hash in the path is 400',
    async run(t) {
      const b = await freshBranch(t);
      expectStatus(await get(t, `/trees/${seg(b.name)}@${b.hash}`), 400, 'BAD_REQUEST');
    },
  },
  {
    name: 'assign moves a tag or branch when the expected hash matches, 409 otherwise',
    async run(t) {
      const b = await branchWithTables(t, ['t1']);
      const tag = unique('v');
      await createRef(t, tag, 'TAG', { name: 'main', hash: t.noAncestorHash });
      const to = { type: 'BRANCH', name: b.name, hash: b.hash };
      // Missing expected hash.
      expectStatus(await put(t, `/trees/${seg(tag)}`, to), 400, 'BAD_REQUEST');
      // Stale expected hash.
      expectStatus(await put(t, `/trees/${seg(tag)}@${b.hash}`, to), 409, 'REFERENCE_CONFLICT');
      // The type in the query must match the reference.
      expectStatus(await put(t, `/trees/${seg(tag)}@${t.noAncestorHash}?type=BRANCH`, to), 400, 'BAD_REQUEST');
      const moved = ok(await put(t, `/trees/${seg(tag)}@${t.noAncestorHash}?type=TAG`, to)).reference;
      assert.deepEqual(moved, { type: 'TAG', name: tag, hash: b.hash });
      assert.equal(await head(t, tag), b.hash);
      // A branch, too.
      const other = await freshBranch(t);
      ok(await put(t, `/trees/${seg(other.name)}@${other.hash}`, to));
      assert.equal(await head(t, other.name), b.hash);
      // The target must exist.
      const nowhere = { type: 'BRANCH', name: b.name, hash: 'deadbeefdeadbeef' };
      expectStatus(await put(t, `/trees/${seg(other.name)}@${b.hash}`, nowhere), 404, 'REFERENCE_NOT_FOUND');
    },
  },
  {
    name: 'delete needs the current hash: stale is 409, then the ref is gone (404)',
    async run(t) {
      const b = await branchWithTables(t, ['t1']);
      expectStatus(await del(t, `/trees/${seg(b.name)}`), 400, 'BAD_REQUEST');
      expectStatus(await del(t, `/trees/${seg(b.name)}@${t.noAncestorHash}`), 409, 'REFERENCE_CONFLICT');
      const gone = ok(await del(t, `/trees/${seg(b.name)}@${b.hash}`)).reference;
      assert.deepEqual(gone, { type: 'BRANCH', name: b.name, hash: b.hash });
      expectStatus(await get(t, `/trees/${seg(b.name)}`), 404, 'REFERENCE_NOT_FOUND');
      expectStatus(await del(t, `/trees/${seg(b.name)}@${b.hash}`), 404, 'REFERENCE_NOT_FOUND');
    },
  },
  {
    name: 'the default branch cannot be deleted (400)',
    async run(t) {
      const main = await head(t, 'main');
      expectStatus(await del(t, `/trees/main@${main}`), 400, 'BAD_REQUEST');
    },
  },
  {
    name: 'DIFFERENCE: GET /rat/reflog lists head moves newest first (rat extension; Nessie has no such route)',
    async run(t) {
      const b = await branchWithTables(t, ['t1']);
      const res = await get(t, `/rat/reflog?ref=${seg(b.name)}`);
      if (t.kind === 'nessie') {
        assert.equal(res.status, 404);
        return;
      }
      const body = ok(res);
      const moves = body.logEntries.map((e: { operation: string; previousHash: string | null; newHash: string }) => [
        e.operation,
        e.previousHash,
        e.newHash,
      ]);
      assert.deepEqual(moves, [
        ['COMMIT', t.noAncestorHash, b.hash],
        ['CREATE', null, t.noAncestorHash],
      ]);
      const page = ok(await get(t, `/rat/reflog?ref=${seg(b.name)}&max-records=1`));
      assert.equal(page.logEntries.length, 1);
      assert.equal(page.hasMore, true);
      const rest = ok(await get(t, `/rat/reflog?ref=${seg(b.name)}&max-records=1&page-token=${page.token}`));
      assert.equal(rest.logEntries[0].operation, 'CREATE');
    },
  },
];
