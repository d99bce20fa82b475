import assert from 'node:assert/strict';
import {
  branchWithTables,
  freshBranch,
  namespace,
  commit,
  createRef,
  expectStatus,
  get,
  head,
  ok,
  post,
  putOp,
  seg,
  table,
  unique,
  type Case,
  type Target,
} from './target.ts';

/** Target branch with db.t1, db.t2 and a source branch forked from it. */
async function fork(t: Target) {
  const target = await branchWithTables(t, ['t1', 't2'], 'target');
  const source = unique('source/x');
  await createRef(t, source, 'BRANCH', { name: target.name, hash: target.hash });
  return { target: target.name, base: target.hash, source, ids: target.ids };
}

const t1 = (ids: Record<string, string>, v: number) =>
  putOp(['db', 't1'], table(`s3://w/t1/${v}.json`, v, ids['db.t1']));

function merge(t: Target, target: string, expected: string, body: Record<string, unknown>) {
  return post(t, `/trees/${seg(target)}@${expected}/history/merge`, body);
}

/** Both sides change db.t1 after the fork. */
async function conflicting(t: Target) {
  const f = await fork(t);
  const onTarget = await commit(t, f.target, f.base, [t1(f.ids, 2)]);
  const onSource = await commit(t, f.source, f.base, [t1(f.ids, 3), putOp(['db', 't9'], table('s3://w/t9.json'))]);
  return { ...f, targetHead: onTarget.hash, sourceHead: onSource.hash };
}

async function location(t: Target, ref: string, key: string): Promise<string | null> {
  const res = await get(t, `/trees/${seg(ref)}/contents/${key}`);
  return res.status === 404 ? null : ok(res).content.metadataLocation;
}

export const mergeCases: Case[] = [
  {
    name: 'clean merge: one merge commit with the source as second parent, changes visible on the target',
    async run(t) {
      const f = await fork(t);
      const s = await commit(t, f.source, f.base, [putOp(['db', 't3'], table('s3://w/t3.json'))]);
      const tgt = await commit(t, f.target, f.base, [putOp(['db', 't4'], table('s3://w/t4.json'))]);
      const r = ok(
        await merge(t, f.target, tgt.hash, {
          fromRefName: f.source,
          fromHash: s.hash,
          commitMeta: { message: 'merge it' },
        }),
      );
      assert.equal(r.wasApplied, true);
      assert.equal(r.wasSuccessful, true);
      assert.equal(r.targetBranch, f.target);
      assert.equal(r.commonAncestor, f.base);
      assert.equal(r.effectiveTargetHash, tgt.hash);
      assert.equal(r.expectedHash, tgt.hash);
      assert.deepEqual(
        r.details.map((d: { key: { elements: string[] } }) => d.key.elements.join('.')),
        ['db.t3'],
      );
      const newHead = await head(t, f.target);
      assert.equal(r.resultantTargetHash, newHead);
      const meta = ok(await get(t, `/trees/${seg(f.target)}/history?max-records=1`)).logEntries[0].commitMeta;
      assert.equal(meta.message, 'merge it');
      assert.deepEqual(meta.parentCommitHashes, [tgt.hash, s.hash]);
      assert.equal(await location(t, f.target, 'db.t3'), 's3://w/t3.json');
      assert.equal(await location(t, f.target, 'db.t4'), 's3://w/t4.json');
    },
  },
  {
    name: 'merging an already merged source is a successful no-op',
    async run(t) {
      const f = await fork(t);
      const s = await commit(t, f.source, f.base, [putOp(['db', 't3'], table('s3://w/t3.json'))]);
      ok(await merge(t, f.target, f.base, { fromRefName: f.source, fromHash: s.hash }));
      const after = await head(t, f.target);
      const again = ok(await merge(t, f.target, after, { fromRefName: f.source, fromHash: s.hash }));
      assert.equal(again.wasApplied, false);
      assert.equal(again.wasSuccessful, true);
      assert.equal(again.resultantTargetHash, after);
      assert.deepEqual(again.details, []);
      assert.equal(await head(t, f.target), after);
    },
  },
  {
    name: 'merge conflict is 409 REFERENCE_CONFLICT and changes nothing',
    async run(t) {
      const c = await conflicting(t);
      const res = await merge(t, c.target, c.targetHead, { fromRefName: c.source, fromHash: c.sourceHead });
      expectStatus(res, 409, 'REFERENCE_CONFLICT');
      assert.equal(await head(t, c.target), c.targetHead);
      assert.equal(await location(t, c.target, 'db.t9'), null);
    },
  },
  {
    name: 'isReturnConflictAsResult: 200 with wasSuccessful=false and the conflicting key',
    async run(t) {
      const c = await conflicting(t);
      const r = ok(
        await merge(t, c.target, c.targetHead, {
          fromRefName: c.source,
          fromHash: c.sourceHead,
          isReturnConflictAsResult: true,
        }),
      );
      assert.equal(r.wasApplied, false);
      assert.equal(r.wasSuccessful, false);
      const conflicted = r.details.filter((d: { conflict?: unknown }) => d.conflict);
      assert.equal(conflicted.length, 1);
      assert.deepEqual(conflicted[0].key, { elements: ['db', 't1'] });
      assert.deepEqual(conflicted[0].conflict.key, { elements: ['db', 't1'] });
      assert.equal(typeof conflicted[0].conflict.conflictType, 'string');
      assert.equal(await head(t, c.target), c.targetHead);
    },
  },
  {
    name: 'isDryRun reports without changing the target',
    async run(t) {
      const f = await fork(t);
      const s = await commit(t, f.source, f.base, [putOp(['db', 't3'], table('s3://w/t3.json'))]);
      const r = ok(await merge(t, f.target, f.base, { fromRefName: f.source, fromHash: s.hash, isDryRun: true }));
      assert.equal(r.wasApplied, false);
      assert.equal(r.wasSuccessful, true);
      assert.equal(await head(t, f.target), f.base);
      assert.equal(await location(t, f.target, 'db.t3'), null);
    },
  },
  {
    name: 'DIFFERENCE: the OpenAPI spelling dryRun (Nessie 0.99 ignores it and merges; rat honours it)',
    async run(t) {
      const f = await fork(t);
      const s = await commit(t, f.source, f.base, [putOp(['db', 't3'], table('s3://w/t3.json'))]);
      ok(await merge(t, f.target, f.base, { fromRefName: f.source, fromHash: s.hash, dryRun: true }));
      const moved = (await head(t, f.target)) !== f.base;
      assert.equal(moved, t.kind === 'nessie');
    },
  },
  {
    name: 'keyMergeModes FORCE takes the source value, DROP keeps the target value',
    async run(t) {
      const c = await conflicting(t);
      const key = { elements: ['db', 't1'] };
      const forced = ok(
        await merge(t, c.target, c.targetHead, {
          fromRefName: c.source,
          fromHash: c.sourceHead,
          keyMergeModes: [{ key, mergeBehavior: 'FORCE' }],
        }),
      );
      assert.equal(forced.wasApplied, true);
      assert.equal(await location(t, c.target, 'db.t1'), 's3://w/t1/3.json');
      assert.equal(await location(t, c.target, 'db.t9'), 's3://w/t9.json');

      const d = await conflicting(t);
      ok(
        await merge(t, d.target, d.targetHead, {
          fromRefName: d.source,
          fromHash: d.sourceHead,
          keyMergeModes: [{ key, mergeBehavior: 'DROP' }],
        }),
      );
      assert.equal(await location(t, d.target, 'db.t1'), 's3://w/t1/2.json');
      assert.equal(await location(t, d.target, 'db.t9'), 's3://w/t9.json');
    },
  },
  {
    name: 'merge needs fromHash and the expected target hash (400); stale expected hash on a touched key is 409',
    async run(t) {
      const c = await conflicting(t);
      expectStatus(await merge(t, c.target, c.targetHead, { fromRefName: c.source }), 400, 'BAD_REQUEST');
      expectStatus(
        await post(t, `/trees/${seg(c.target)}/history/merge`, { fromRefName: c.source, fromHash: c.sourceHead }),
        400,
        'BAD_REQUEST',
      );
      expectStatus(
        await merge(t, c.target, c.targetHead, { fromRefName: unique('nope'), fromHash: c.sourceHead }),
        404,
        'REFERENCE_NOT_FOUND',
      );
    },
  },
  {
    name: 'transplant copies the picked commits onto the target',
    async run(t) {
      const f = await fork(t);
      const a = await commit(t, f.source, f.base, [putOp(['db', 't3'], table('s3://w/t3.json'))], 'add t3');
      const b = await commit(t, f.source, a.hash, [putOp(['db', 't4'], table('s3://w/t4.json'))], 'add t4');
      const tgt = await commit(t, f.target, f.base, [putOp(['db', 't5'], table('s3://w/t5.json'))]);
      const r = ok(
        await post(t, `/trees/${seg(f.target)}@${tgt.hash}/history/transplant`, {
          fromRefName: f.source,
          hashesToTransplant: [a.hash, b.hash],
        }),
      );
      assert.equal(r.wasApplied, true);
      assert.equal(r.wasSuccessful, true);
      const newHead = await head(t, f.target);
      assert.equal(r.resultantTargetHash, newHead);
      assert.equal(await location(t, f.target, 'db.t3'), 's3://w/t3.json');
      assert.equal(await location(t, f.target, 'db.t4'), 's3://w/t4.json');
      assert.equal(await location(t, f.target, 'db.t5'), 's3://w/t5.json');
      const log = ok(await get(t, `/trees/${seg(f.target)}/history?max-records=3`)).logEntries;
      assert.deepEqual(log.map((e: { commitMeta: { message: string } }) => e.commitMeta.message).slice(0, 2), [
        'add t4',
        'add t3',
      ]);
      assert.equal(log[1].commitMeta.parentCommitHashes[0], tgt.hash);
    },
  },
  {
    name: 'transplant of a conflicting commit is 409 and changes nothing',
    async run(t) {
      const c = await conflicting(t);
      const res = await post(t, `/trees/${seg(c.target)}@${c.targetHead}/history/transplant`, {
        fromRefName: c.source,
        hashesToTransplant: [c.sourceHead],
      });
      expectStatus(res, 409, 'REFERENCE_CONFLICT');
      assert.equal(await head(t, c.target), c.targetHead);
    },
  },
  {
    name: 'DIFFERENCE: transplant of a commit that is not on fromRefName is 400 naming it (not a conflict), of an unknown hash 404',
    async run(t) {
      const c = await conflicting(t);
      // A third branch changes db.t1 too: copied onto the target it would conflict, but it is no commit of the source.
      const other = unique('other');
      await createRef(t, other, 'BRANCH', { name: c.target, hash: c.base });
      const elsewhere = await commit(t, other, c.base, [t1(c.ids, 5)]);
      const transplant = (hashes: string[]) =>
        post(t, `/trees/${seg(c.target)}@${c.targetHead}/history/transplant`, {
          fromRefName: c.source,
          hashesToTransplant: hashes,
        });
      for (const hashes of [[elsewhere.hash], [c.sourceHead, elsewhere.hash.slice(0, 16)], [c.targetHead]]) {
        const res = await transplant(hashes);
        const named = hashes.at(-1)!;
        if (t.kind === 'nessie') {
          // Nessie copies the changes of any commit it is given, whatever fromRefName says: here a conflict on db.t1
          // (404 for the abbreviated hash, as it takes only full hashes in transplants).
          expectStatus(res, named.length < 64 ? 404 : 409);
          continue;
        }
        expectStatus(res, 400, 'BAD_REQUEST');
        assert.equal(res.body.catalogCode, 'COMMIT_NOT_ON_REFERENCE');
        assert.ok(res.body.message.includes(named) && res.body.message.includes(c.source), res.body.message);
      }
      expectStatus(await transplant(['deadbeef'.repeat(8)]), 404, 'REFERENCE_NOT_FOUND');
      assert.equal(await head(t, c.target), c.targetHead);
    },
  },
  {
    name: 'DIFFERENCE: merge of a fromHash that is not on fromRefName is 400 naming it (Nessie merges it), of an unknown hash 404',
    async run(t) {
      const f = await fork(t);
      const s = await commit(t, f.source, f.base, [putOp(['db', 't3'], table('s3://w/t3.json'))]);
      // Another branch's commit: merged under the source's name, it would bring db.t4 onto the target.
      const other = unique('other');
      await createRef(t, other, 'BRANCH', { name: f.target, hash: f.base });
      const elsewhere = await commit(t, other, f.base, [putOp(['db', 't4'], table('s3://w/t4.json'))]);
      const tgt = await commit(t, f.target, f.base, [putOp(['db', 't5'], table('s3://w/t5.json'))]);
      const mergeFrom = async (fromHash: string, fromRefName = f.source) =>
        merge(t, f.target, await head(t, f.target), { fromRefName, fromHash });
      // The target's own head, an abbreviated hash of the other branch's commit, then that commit in full.
      for (const hash of [tgt.hash, elsewhere.hash.slice(0, 16), elsewhere.hash]) {
        const res = await mergeFrom(hash);
        if (t.kind === 'nessie') {
          // Nessie merges whatever commit it is given (a no-op for the target's head, already contained), whatever
          // fromRefName says; it takes only full hashes here (404 for the abbreviated one).
          if (hash.length < 64) expectStatus(res, 404, 'REFERENCE_NOT_FOUND');
          else assert.equal(ok(res).wasApplied, hash === elsewhere.hash);
          continue;
        }
        expectStatus(res, 400, 'BAD_REQUEST');
        assert.equal(res.body.catalogCode, 'COMMIT_NOT_ON_REFERENCE');
        assert.ok(res.body.message.includes(hash) && res.body.message.includes(f.source), res.body.message);
      }
      assert.equal(await location(t, f.target, 'db.t4'), t.kind === 'nessie' ? 's3://w/t4.json' : null);
      expectStatus(await mergeFrom('deadbeef'.repeat(8)), 404, 'REFERENCE_NOT_FOUND');
      // Commits of the source merge as before: an ancestor (the fork point, already merged), the head.
      assert.equal(ok(await mergeFrom(`${s.hash}~1`)).wasApplied, false);
      assert.equal(ok(await mergeFrom(s.hash)).wasApplied, true);
      assert.equal(await location(t, f.target, 'db.t3'), 's3://w/t3.json');
      // A DETACHED source takes any commit.
      ok(await mergeFrom(elsewhere.hash, 'DETACHED'));
      assert.equal(await location(t, f.target, 'db.t4'), 's3://w/t4.json');
    },
  },
];

mergeCases.push({
  name: 'transplanting a commit whose changes the target already holds is not applied and makes no commit',
  async run(t) {
    const src = await freshBranch(t, 'src');
    const c = await commit(t, src.name, src.hash, [putOp(['db'], namespace('db'))], 'ns');
    const dst = await freshBranch(t, 'dst');
    const first = ok(
      await post(t, `/trees/${seg(dst.name)}@${dst.hash}/history/transplant`, {
        fromRefName: src.name,
        hashesToTransplant: [c.hash],
      }),
    );
    assert.equal(first.wasApplied, true);
    const head1 = first.resultantTargetHash as string;
    assert.equal(await head(t, dst.name), head1);
    const again = ok(
      await post(t, `/trees/${seg(dst.name)}@${head1}/history/transplant`, {
        fromRefName: src.name,
        hashesToTransplant: [c.hash],
      }),
    );
    assert.equal(again.wasApplied, false);
    assert.equal(again.wasSuccessful, true);
    assert.equal(again.resultantTargetHash, head1);
    assert.equal(await head(t, dst.name), head1);
  },
});
