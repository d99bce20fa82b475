/**
 * Requests as Nessie's own clients shape them (the Java client's `DETACHED` references and commit headers, Iceberg's
 * 63-bit snapshot ids, the namespace helpers' CEL filters, relative hashes of spec 2.1.1), run against both servers.
 */
import assert from 'node:assert/strict';
import { http } from '../support/server.ts';
import {
  commit,
  expectStatus,
  freshBranch,
  get,
  head,
  keysOf,
  namespace,
  ok,
  post,
  put,
  putOp,
  seg,
  table,
  unique,
  type Case,
  type Target,
} from './target.ts';

/** A branch with two commits (namespaces `one`, then `two`): its head and the first commit. */
async function twoCommits(t: Target) {
  const b = await freshBranch(t);
  const first = await commit(t, b.name, b.hash, [putOp(['one'], namespace('one'))], 'first');
  const second = await commit(t, b.name, first.hash, [putOp(['two'], namespace('two'))], 'second');
  return { name: b.name, first: first.hash, head: second.hash };
}

export const clientShapeCases: Case[] = [
  {
    name: 'an Iceberg snapshot id above 2^53 (as Java longs and PyIceberg ids are) is stored and read back',
    async run(t) {
      const b = await freshBranch(t);
      // The nearest double of 8744736658442914487: what a JSON number of that size reads as in JavaScript.
      const snapshotId = 8744736658442914000;
      await commit(t, b.name, b.hash, [
        putOp(['db'], namespace('db')),
        putOp(['db', 't'], table('s3://w/t/1.json', snapshotId)),
      ]);
      const content = ok(await get(t, `/trees/${seg(b.name)}/contents/db.t`)).content;
      assert.equal(content.snapshotId, snapshotId);
    },
  },
  {
    name: "a 63-bit snapshot id is kept exact, digit for digit (Iceberg's NessieCatalog sets the current snapshot from it)",
    async run(t) {
      const b = await freshBranch(t);
      await commit(t, b.name, b.hash, [putOp(['db'], namespace('db'))]);
      const at = ok(await get(t, `/trees/${seg(b.name)}`)).reference.hash;
      // Raw JSON text both ways: a JavaScript number cannot hold the id.
      const id = '8744736658442914487';
      const put = JSON.stringify({
        commitMeta: { message: 'exact id' },
        operations: [putOp(['db', 't'], table('s3://w/t/1.json', 0))],
      }).replace('"snapshotId":0', `"snapshotId":${id}`);
      const res = await fetch(`${t.api}/trees/${seg(b.name)}@${at}/history/commit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: put,
      });
      assert.equal(res.status, 200, await res.text());
      for (const path of [`/trees/${seg(b.name)}/contents/db.t`, `/trees/${seg(b.name)}/entries?content=true`]) {
        const text = await (await fetch(`${t.api}${path}`)).text();
        assert.match(text, new RegExp(`"snapshotId"\\s*:\\s*${id}\\s*[,}]`), `${path}: ${text}`);
      }
      const log = await (await fetch(`${t.api}/trees/${seg(b.name)}/history?fetch=ALL&max-records=1`)).text();
      assert.match(log, new RegExp(`"snapshotId"\\s*:\\s*${id}\\s*[,}]`), log);
    },
  },
  {
    name: 'a reference created or assigned from a DETACHED source (what the Java client sends without a source name)',
    async run(t) {
      const src = await twoCommits(t);
      const name = unique('d');
      const created = ok(await post(t, `/trees?name=${name}&type=BRANCH`, { type: 'DETACHED', hash: src.first }));
      assert.equal(created.reference.hash, src.first);
      const moved = ok(await put(t, `/trees/${name}@${src.first}?type=BRANCH`, { type: 'DETACHED', hash: src.head }));
      assert.equal(moved.reference.hash, src.head);
    },
  },
  {
    name: 'relative hashes in bodies: a branch from <hash>~1, a merge from <hash>~1',
    async run(t) {
      const src = await twoCommits(t);
      const name = unique('r');
      const created = ok(
        await post(t, `/trees?name=${name}&type=BRANCH`, { type: 'BRANCH', name: src.name, hash: `${src.head}~1` }),
      );
      assert.equal(created.reference.hash, src.first);
      // Nessie finds no merge base between branches that both start at "no ancestor": merge into one from src.
      const third = await commit(t, src.name, src.head, [putOp(['three'], namespace('three'))], 'third');
      ok(
        await post(t, `/trees/${name}@${src.first}/history/merge`, {
          fromRefName: src.name,
          fromHash: `${third.hash}~1`,
        }),
      );
      const entries = ok(await get(t, `/trees/${name}/entries`)).entries;
      assert.deepEqual(keysOf(entries).sort(), ['one', 'two']);
    },
  },
  {
    name: 'a write to a relative ref without a starting commit id (main~1) is a 400',
    async run(t) {
      const src = await twoCommits(t);
      const res = await post(t, `/trees/${seg(src.name)}~1/history/commit`, {
        commitMeta: { message: 'x' },
        operations: [putOp(['three'], namespace('three'))],
      });
      expectStatus(res, 400, 'BAD_REQUEST');
      assert.equal(await head(t, src.name), src.head);
    },
  },
  {
    name: 'a relative lookup past the first commit reads the empty state before it',
    async run(t) {
      const src = await twoCommits(t);
      for (const spec of [`${seg(src.name)}~5`, `${seg(src.name)}@${src.head}~2`]) {
        const res = ok(await get(t, `/trees/${spec}/entries`));
        assert.deepEqual(res.entries, []);
        assert.equal(res.effectiveReference?.hash ?? t.noAncestorHash, t.noAncestorHash);
      }
    },
  },
  {
    name: 'transplanting several commits with a message keeps each commit its own message',
    async run(t) {
      const src = await twoCommits(t);
      const target = await freshBranch(t);
      ok(
        await post(t, `/trees/${seg(target.name)}@${target.hash}/history/transplant`, {
          fromRefName: src.name,
          hashesToTransplant: [src.first, src.head],
          message: 'one message',
        }),
      );
      const log = ok(await get(t, `/trees/${seg(target.name)}/history`)).logEntries;
      assert.deepEqual(
        log.map((e: { commitMeta: { message: string } }) => e.commitMeta.message),
        ['second', 'first'],
      );
    },
  },
  {
    name: 'Nessie-Commit-Message and Nessie-Commit-Authors headers set the commit message and authors',
    async run(t) {
      const b = await freshBranch(t);
      const res = await http(
        'POST',
        `${t.api}/trees/${seg(b.name)}@${b.hash}/history/commit`,
        { commitMeta: { message: 'from the body' }, operations: [putOp(['h'], namespace('h'))] },
        { 'Nessie-Commit-Message': 'from the header', 'Nessie-Commit-Authors': 'ann, bo' },
      );
      ok(res);
      const meta = ok(await get(t, `/trees/${seg(b.name)}/history`)).logEntries[0].commitMeta;
      assert.equal(meta.message, 'from the header');
      assert.equal(meta.authors[0], 'ann');
    },
  },
  {
    name: "the namespace helpers' CEL filters see a dot inside a name as U+001D, and entry.key joins with dots",
    async run(t) {
      const b = await freshBranch(t);
      await commit(t, b.name, b.hash, [
        putOp(['x.y'], namespace('x.y')),
        putOp(['x.y', 't'], table('s3://w/t/1.json')),
        putOp(['x'], namespace('x')),
      ]);
      const entries = async (filter: string) =>
        keysOf(ok(await get(t, `/trees/${seg(b.name)}/entries?filter=${encodeURIComponent(filter)}`)).entries).sort();
      assert.deepEqual(await entries("entry.encodedKey.startsWith('x\\u001dy.')"), ['x.y.t']);
      assert.deepEqual(await entries("entry.namespace == 'x\\u001dy'"), ['x.y.t']);
      assert.deepEqual(await entries("entry.encodedKey.startsWith('x.')"), []);
      assert.deepEqual(await entries("entry.key == 'x.y.t'"), ['x.y.t']);
    },
  },
  {
    name: 'content ids as Nessie checks them: a new key may not bring one (400) unless a rename deletes its key in the same commit; another id on an existing key is a 400',
    async run(t) {
      const b = await freshBranch(t);
      const first = await commit(t, b.name, b.hash, [
        putOp(['db'], namespace('db')),
        putOp(['db', 't'], table('s3://w/t/1.json')),
      ]);
      const id = first.ids['db.t']!;
      const bare = (ops: unknown[]) =>
        post(t, `/trees/${seg(b.name)}@${first.hash}/history/commit`, {
          commitMeta: { message: 'x' },
          operations: ops,
        });
      const newWithId = await bare([
        putOp(['db', 'u'], table('s3://w/u/1.json', 1, '11111111-0000-0000-0000-000000000000')),
      ]);
      expectStatus(newWithId, 400, 'BAD_REQUEST');
      const otherId = await bare([
        putOp(['db', 't'], table('s3://w/t/2.json', 2, '22222222-0000-0000-0000-000000000000')),
      ]);
      expectStatus(otherId, 400, 'BAD_REQUEST');
      assert.equal(await head(t, b.name), first.hash);
      const renamed = ok(
        await bare([
          { type: 'DELETE', key: { elements: ['db', 't'] } },
          putOp(['db', 'r'], table('s3://w/t/1.json', 1, id)),
        ]),
      );
      const after = ok(await get(t, `/trees/${seg(b.name)}@${renamed.targetBranch.hash}/contents/db.r`)).content;
      assert.equal(after.id, id, 'a rename keeps the content id');
    },
  },
  {
    name: 'max-records=0 means no limit and content=TRUE is true, as JAX-RS reads them',
    async run(t) {
      const b = await freshBranch(t);
      await commit(t, b.name, b.hash, [putOp(['n1'], namespace('n1')), putOp(['n2'], namespace('n2'))]);
      const res = ok(await get(t, `/trees/${seg(b.name)}/entries?max-records=0&content=TRUE`));
      assert.deepEqual(keysOf(res.entries), ['n1', 'n2']);
      assert.equal(res.entries[0].content?.type, 'NAMESPACE');
      assert.equal(ok(await get(t, `/trees/${seg(b.name)}/history?max-records=-1`)).logEntries.length, 1);
    },
  },
];
