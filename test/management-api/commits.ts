import assert from 'node:assert/strict';
import {
  branchWithTables,
  commit,
  commitRaw,
  createRef,
  expectStatus,
  freshBranch,
  get,
  head,
  keysOf,
  namespace,
  ok,
  post,
  putOp,
  seg,
  table,
  unique,
  type Case,
} from './target.ts';

export const commitCases: Case[] = [
  {
    name: 'one commit puts many keys and reports their new content ids',
    async run(t) {
      const b = await freshBranch(t);
      const names = ['a', 'b', 'c', 'd', 'e'];
      const res = await commit(t, b.name, b.hash, [
        putOp(['db'], namespace('db')),
        ...names.map((n) => putOp(['db', n], table(`s3://w/${n}.json`))),
      ]);
      assert.deepEqual(Object.keys(res.ids).sort(), ['db', ...names.map((n) => `db.${n}`)].sort());
      for (const id of Object.values(res.ids)) assert.match(id, /^[0-9a-f-]{36}$/);
      const log = ok(await get(t, `/trees/${seg(b.name)}/history`));
      assert.equal(log.logEntries.length, 1);
      assert.equal(log.logEntries[0].commitMeta.hash, res.hash);
      assert.deepEqual(log.logEntries[0].commitMeta.parentCommitHashes, [b.hash]);
      assert.equal(log.logEntries[0].parentCommitHash, b.hash);
    },
  },
  {
    name: 'commit meta: message, author and properties come back in the log (authors / allProperties)',
    async run(t) {
      const b = await freshBranch(t);
      ok(
        await post(t, `/trees/${seg(b.name)}@${b.hash}/history/commit`, {
          commitMeta: { message: 'hello', author: 'alice', properties: { 'git.sha': 'abc123' } },
          operations: [putOp(['db'], namespace('db'))],
        }),
      );
      const meta = ok(await get(t, `/trees/${seg(b.name)}/history`)).logEntries[0].commitMeta;
      assert.equal(meta.message, 'hello');
      assert.deepEqual(meta.authors, ['alice']);
      assert.deepEqual(meta.allProperties, { 'git.sha': ['abc123'] });
      assert.match(meta.commitTime, /^\d{4}-\d\d-\d\dT/);
    },
  },
  {
    name: 'updates and deletes with the content id; addedContents is null when nothing is new',
    async run(t) {
      const b = await branchWithTables(t, ['t1', 't2']);
      const body = ok(
        await commitRaw(t, b.name, b.hash, [
          putOp(['db', 't1'], table('s3://w/t1/2.json', 2, b.ids['db.t1'])),
          { type: 'DELETE', key: { elements: ['db', 't2'] } },
        ]),
      );
      assert.equal(body.addedContents, null);
      const c = ok(await get(t, `/trees/${seg(b.name)}/contents/db.t1`)).content;
      assert.equal(c.id, b.ids['db.t1']);
      assert.equal(c.metadataLocation, 's3://w/t1/2.json');
      expectStatus(await get(t, `/trees/${seg(b.name)}/contents/db.t2`), 404, 'CONTENT_NOT_FOUND');
    },
  },
  {
    name: 'a stale expected hash: 409 when a touched key changed, success when other keys changed',
    async run(t) {
      const b = await branchWithTables(t, ['t1', 't2']);
      const first = await commit(t, b.name, b.hash, [
        putOp(['db', 't1'], table('s3://w/t1/2.json', 2, b.ids['db.t1'])),
      ]);
      // Based on b.hash, touching t1 again: conflict.
      const clash = await commitRaw(t, b.name, b.hash, [
        putOp(['db', 't1'], table('s3://w/t1/3.json', 3, b.ids['db.t1'])),
      ]);
      expectStatus(clash, 409, 'REFERENCE_CONFLICT');
      // Based on b.hash, touching only t2: lands on top of `first`.
      const other = ok(
        await commitRaw(t, b.name, b.hash, [putOp(['db', 't2'], table('s3://w/t2/2.json', 2, b.ids['db.t2']))]),
      );
      const log = ok(await get(t, `/trees/${seg(b.name)}/history?max-records=1`)).logEntries;
      assert.equal(log[0].commitMeta.hash, other.targetBranch.hash);
      assert.deepEqual(log[0].commitMeta.parentCommitHashes, [first.hash]);
      // UNCHANGED on t1 based on b.hash asserts t1 did not move: conflict.
      expectStatus(
        await commitRaw(t, b.name, b.hash, [{ type: 'UNCHANGED', key: { elements: ['db', 't1'] } }]),
        409,
        'REFERENCE_CONFLICT',
      );
    },
  },
  {
    name: 'two writers race on one key from the same head: exactly one gets 409',
    async run(t) {
      const b = await branchWithTables(t, ['t1']);
      const attempt = (n: number) =>
        commitRaw(t, b.name, b.hash, [putOp(['db', 't1'], table(`s3://w/t1/race-${n}.json`, 10 + n, b.ids['db.t1']))]);
      const results = await Promise.all([attempt(1), attempt(2)]);
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 409], JSON.stringify(results.map((r) => r.body)));
      const winner = results.find((r) => r.status === 200)!;
      assert.equal(await head(t, b.name), winner.body.targetBranch.hash);
      assert.equal(results.find((r) => r.status === 409)!.body.errorCode, 'REFERENCE_CONFLICT');
    },
  },
  {
    name: 'concurrent writers on different keys from the same head all land',
    async run(t) {
      const names = ['w1', 'w2', 'w3', 'w4'];
      const b = await branchWithTables(t, names);
      const results = await Promise.all(
        names.map((n) =>
          commitRaw(t, b.name, b.hash, [putOp(['db', n], table(`s3://w/${n}/2.json`, 2, b.ids[`db.${n}`]))]),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        names.map(() => 200),
        JSON.stringify(results.map((r) => r.body)),
      );
      const log = ok(await get(t, `/trees/${seg(b.name)}/history`)).logEntries;
      assert.equal(log.length, 1 + names.length);
      const entries = ok(await get(t, `/trees/${seg(b.name)}/entries?prefix-key=db&content=true`)).entries;
      for (const n of names) {
        const e = entries.find((x: { name: { elements: string[] } }) => x.name.elements[1] === n);
        assert.equal(e.content.metadataLocation, `s3://w/${n}/2.json`);
      }
    },
  },
  {
    name: 'bad commits: no expected hash, no operations, duplicate key, invalid content, tag target are 400',
    async run(t) {
      const b = await branchWithTables(t, ['t1']);
      const op = putOp(['db', 'x'], table('s3://w/x.json'));
      const url = `/trees/${seg(b.name)}@${b.hash}/history/commit`;
      expectStatus(
        await post(t, `/trees/${seg(b.name)}/history/commit`, { commitMeta: { message: 'm' }, operations: [op] }),
        400,
        'BAD_REQUEST',
      );
      expectStatus(await post(t, url, { commitMeta: { message: 'm' }, operations: [] }), 400, 'BAD_REQUEST');
      expectStatus(await post(t, url, { operations: [op] }), 400, 'BAD_REQUEST');
      expectStatus(await post(t, url, 'not json'), 400, 'BAD_REQUEST');
      expectStatus(
        await post(t, url, { commitMeta: { message: 'm' }, operations: [op, { type: 'DELETE', key: op.key }] }),
        400,
        'BAD_REQUEST',
      );
      const noFields = { type: 'PUT', key: { elements: ['db', 'y'] }, content: { type: 'ICEBERG_TABLE' } };
      expectStatus(await post(t, url, { commitMeta: { message: 'm' }, operations: [noFields] }), 400, 'BAD_REQUEST');
      expectStatus(
        await post(t, url, { commitMeta: { message: 'm', committer: 'me' }, operations: [op] }),
        400,
        'BAD_REQUEST',
      );
      const tag = unique('v');
      await createRef(t, tag, 'TAG', { name: b.name, hash: b.hash });
      expectStatus(await commitRaw(t, tag, b.hash, [op]), 400, 'BAD_REQUEST');
    },
  },
  {
    name: 'commits to an unknown branch or from an unknown hash are 404',
    async run(t) {
      const b = await freshBranch(t);
      const op = putOp(['db'], namespace('db'));
      expectStatus(await commitRaw(t, unique('nope'), b.hash, [op]), 404, 'REFERENCE_NOT_FOUND');
      expectStatus(await commitRaw(t, b.name, 'deadbeefdeadbeef', [op]), 404, 'REFERENCE_NOT_FOUND');
    },
  },
  {
    name: 'deleting a key that does not exist is 409',
    async run(t) {
      const b = await branchWithTables(t, []);
      expectStatus(
        await commitRaw(t, b.name, b.hash, [{ type: 'DELETE', key: { elements: ['db', 'zzz'] } }]),
        409,
        'REFERENCE_CONFLICT',
      );
    },
  },
  {
    name: 'DIFFERENCE: a table in a namespace that does not exist (Nessie 409, rat accepts)',
    async run(t) {
      const b = await freshBranch(t);
      const res = await commitRaw(t, b.name, b.hash, [putOp(['nons', 't'], table('s3://w/t.json'))]);
      if (t.kind === 'nessie') expectStatus(res, 409, 'REFERENCE_CONFLICT');
      else expectStatus(res, 200);
    },
  },
  {
    name: 'DIFFERENCE: deleting a namespace that still holds tables (Nessie 409, rat accepts)',
    async run(t) {
      const b = await branchWithTables(t, ['t1']);
      const res = await commitRaw(t, b.name, b.hash, [{ type: 'DELETE', key: { elements: ['db'] } }]);
      if (t.kind === 'nessie') expectStatus(res, 409, 'REFERENCE_CONFLICT');
      else expectStatus(res, 200);
    },
  },
  {
    name: 'DIFFERENCE: updating an existing key without its content id (Nessie 400, rat keeps the id)',
    async run(t) {
      const b = await branchWithTables(t, ['t1']);
      const res = await commitRaw(t, b.name, b.hash, [putOp(['db', 't1'], table('s3://w/t1/2.json', 2))]);
      if (t.kind === 'nessie') {
        expectStatus(res, 400, 'BAD_REQUEST');
      } else {
        expectStatus(res, 200);
        assert.equal(ok(await get(t, `/trees/${seg(b.name)}/contents/db.t1`)).content.id, b.ids['db.t1']);
      }
    },
  },
  {
    name: 'log pages newest first with max-records / page-token; fetch=ALL adds operations',
    async run(t) {
      let b = await branchWithTables(t, ['t1']);
      const hashes = [b.hash];
      for (let i = 2; i <= 5; i++) {
        const c = await commit(t, b.name, b.hash, [
          putOp(['db', 't1'], table(`s3://w/t1/${i}.json`, i, b.ids['db.t1'])),
        ]);
        b = { ...b, hash: c.hash };
        hashes.unshift(c.hash);
      }
      const seen: string[] = [];
      let token: string | null = null;
      do {
        const body = ok(
          await get(t, `/trees/${seg(b.name)}/history?max-records=2${token ? `&page-token=${token}` : ''}`),
        );
        assert.ok(body.logEntries.length <= 2);
        assert.ok(body.logEntries.every((e: { operations: unknown }) => e.operations === null));
        seen.push(...body.logEntries.map((e: { commitMeta: { hash: string } }) => e.commitMeta.hash));
        assert.equal(body.hasMore, body.token !== null);
        token = body.token;
      } while (token && seen.length < 100);
      assert.deepEqual(seen, hashes);
      // limit-hash stops the log at a commit, inclusive.
      const limited = ok(await get(t, `/trees/${seg(b.name)}/history?limit-hash=${hashes[2]}`));
      assert.deepEqual(
        limited.logEntries.map((e: { commitMeta: { hash: string } }) => e.commitMeta.hash),
        hashes.slice(0, 3),
      );
      assert.equal(limited.hasMore, false);
      const full = ok(await get(t, `/trees/${seg(b.name)}/history?fetch=ALL&max-records=1`)).logEntries[0];
      assert.equal(full.operations.length, 1);
      assert.equal(full.operations[0].type, 'PUT');
      assert.deepEqual(full.operations[0].key, { elements: ['db', 't1'] });
      assert.equal(full.operations[0].content.metadataLocation, 's3://w/t1/5.json');
      assert.deepEqual(keysOf([full.operations[0]]), ['db.t1']);
    },
  },
  {
    name: 'recent-changes lists the current and previous heads of a reference, newest first',
    async run(t) {
      const b = await freshBranch(t);
      const c1 = await commit(t, b.name, b.hash, [putOp(['db'], namespace('db'))]);
      const c2 = await commit(t, b.name, c1.hash, [putOp(['db', 't'], table('s3://w/t.json'))]);
      const r = ok(await get(t, `/trees/${seg(b.name)}/recent-changes`));
      assert.deepEqual(r.reference, { type: 'BRANCH', name: b.name, hash: c2.hash });
      assert.equal(r.current.commitHash, c2.hash);
      assert.equal(r.current.meta.hash, c2.hash);
      assert.deepEqual(
        r.previous.map((p: { commitHash: string }) => p.commitHash),
        [c1.hash, t.noAncestorHash],
      );
      assert.equal(r.previous[1].meta, null);
      expectStatus(await get(t, `/trees/${seg(b.name)}@${c1.hash}/recent-changes`), 400, 'BAD_REQUEST');
    },
  },
];
