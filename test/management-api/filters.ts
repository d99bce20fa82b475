/**
 * Differential cases of what Nessie's clients ask listings for beyond a page: references with their metadata
 * (`fetch=ALL`), CEL `filter`s on references, the log, diffs and entries, and key ranges (`min-key` / `max-key`).
 */
import assert from 'node:assert/strict';
import {
  commit,
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
  type Target,
} from './target.ts';

const q = (expression: string) => encodeURIComponent(expression);

/** A branch with namespace `db` and tables `db.b`, `db.c`, `db.z`, each its own commit, by `author`. */
async function threeCommits(t: Target, author: string) {
  const b = await freshBranch(t, 'f');
  let hash = (await commit(t, b.name, b.hash, [putOp(['db'], namespace('db'))], 'namespace')).hash;
  for (const n of ['b', 'c', 'z']) {
    const body = ok(
      await post(t, `/trees/${seg(b.name)}@${hash}/history/commit`, {
        commitMeta: { message: `add ${n}`, author, properties: n === 'c' ? { run: 'nightly' } : {} },
        operations: [putOp(['db', n], table(`s3://w/${n}.json`))],
      }),
    );
    hash = body.targetBranch.hash;
  }
  return { name: b.name, hash };
}

export const filterCases: Case[] = [
  {
    name: "fetch=ALL: each reference's HEAD meta and commit count; a branch's ahead/behind and common ancestor with main",
    async run(t) {
      // main gets a commit of its own first, so the counts below do not depend on what other cases did.
      const mainKey = unique('m');
      const m1 = (await commit(t, 'main', await head(t, 'main'), [putOp([mainKey], namespace(mainKey))])).hash;
      const mainMeta = ok(await get(t, '/trees/main?fetch=ALL')).reference.metadata;
      assert.equal(mainMeta.commitMetaOfHEAD.hash, m1);
      assert.equal(mainMeta.numCommitsAhead, null);
      assert.equal(mainMeta.numCommitsBehind, null);
      assert.equal(mainMeta.commonAncestorHash, null);
      const base = mainMeta.numTotalCommits as number;
      assert.ok(base >= 1);

      const feature = unique('feature');
      let f = await createRef(t, feature, 'BRANCH', { name: 'main', hash: m1 });
      for (const n of ['one', 'two'])
        f = (await commit(t, feature, f, [putOp([`${mainKey}-${n}`], namespace(`${mainKey}-${n}`))], n)).hash;
      await commit(t, 'main', m1, [putOp([`${mainKey}-later`], namespace(`${mainKey}-later`))]);
      const tag = unique('v');
      await createRef(t, tag, 'TAG', { name: feature, hash: f });
      const empty = await freshBranch(t, 'empty');

      const got = ok(await get(t, `/trees/${seg(feature)}?fetch=ALL`)).reference;
      assert.equal(got.hash, f);
      assert.deepEqual(
        { ...got.metadata, commitMetaOfHEAD: got.metadata.commitMetaOfHEAD.message },
        {
          numCommitsAhead: 2,
          numCommitsBehind: 1,
          commitMetaOfHEAD: 'two',
          commonAncestorHash: m1,
          numTotalCommits: base + 2,
        },
      );
      assert.equal(got.metadata.commitMetaOfHEAD.hash, f);
      const tagMeta = ok(await get(t, `/trees/${seg(tag)}?fetch=ALL`)).reference.metadata;
      assert.equal(tagMeta.numCommitsAhead, null);
      assert.equal(tagMeta.commonAncestorHash, null);
      assert.equal(tagMeta.numTotalCommits, base + 2);
      assert.equal(tagMeta.commitMetaOfHEAD.hash, f);
      // A reference at the beginning of history has nothing to describe.
      assert.equal(ok(await get(t, `/trees/${seg(empty.name)}?fetch=ALL`)).reference.metadata, undefined);
      // Without fetch=ALL, no metadata.
      assert.equal(ok(await get(t, `/trees/${seg(feature)}`)).reference.metadata, undefined);

      const listed = new Map(
        (ok(await get(t, '/trees?fetch=ALL')).references as Array<{ name: string; metadata?: unknown }>).map((r) => [
          r.name,
          r.metadata,
        ]),
      );
      assert.deepEqual(listed.get(feature), got.metadata);
      assert.equal(listed.get(empty.name), undefined);
      assert.ok(listed.has(empty.name));
    },
  },
  {
    name: 'CEL filter on references: by name and type, and by HEAD meta and counts with fetch=ALL (empty without)',
    async run(t) {
      const author = unique('author');
      const b = await threeCommits(t, author);
      const tag = unique('v');
      await createRef(t, tag, 'TAG', { name: b.name, hash: b.hash });
      const names = async (filter: string, fetch = '') =>
        (ok(await get(t, `/trees?filter=${q(filter)}${fetch}`)).references as Array<{ name: string }>)
          .map((r) => r.name)
          .sort();
      assert.deepEqual(await names(`ref.name == '${b.name}' || ref.name == '${tag}'`), [b.name, tag].sort());
      assert.deepEqual(await names(`refType == 'TAG' && ref.name == '${tag}'`), [tag]);
      assert.deepEqual(await names(`ref.hash == '${b.hash}'`), [b.name, tag].sort());
      assert.deepEqual(await names(`commit.author == '${author}'`, '&fetch=ALL'), [b.name, tag].sort());
      assert.deepEqual(await names(`commit.author == '${author}'`), []);
      assert.deepEqual(
        await names(`refMeta.commitMetaOfHEAD.message == 'add z' && ref.name.startsWith('${b.name}')`, '&fetch=ALL'),
        [b.name],
      );
      // Filtered pages are full while matches follow, and the token leads to the rest.
      const first = ok(await get(t, `/trees?max-records=1&filter=${q(`ref.hash == '${b.hash}'`)}`));
      assert.equal(first.references.length, 1);
      assert.equal(first.hasMore, true);
      const rest = ok(
        await get(t, `/trees?max-records=1&page-token=${first.token}&filter=${q(`ref.hash == '${b.hash}'`)}`),
      );
      assert.deepEqual(
        [...first.references, ...rest.references].map((r: { name: string }) => r.name).sort(),
        [b.name, tag].sort(),
      );
      expectStatus(await get(t, `/trees?filter=${q('ref.name ==')}`), 400, 'BAD_REQUEST');
      expectStatus(await get(t, `/trees?filter=${q('nosuchvariable == 1')}`), 400, 'BAD_REQUEST');
    },
  },
  {
    name: 'CEL filter on the log: author, properties, time and operations (fetch=ALL), pages full while matches follow',
    async run(t) {
      const author = unique('author');
      const b = await threeCommits(t, author);
      const messages = async (filter: string, extra = '') =>
        (
          ok(await get(t, `/trees/${seg(b.name)}/history?filter=${q(filter)}${extra}`)).logEntries as Array<{
            commitMeta: { message: string };
          }>
        ).map((e) => e.commitMeta.message);
      assert.deepEqual(await messages(`commit.author == '${author}'`), ['add z', 'add c', 'add b']);
      assert.deepEqual(await messages(`commit.author != '${author}'`), ['namespace']);
      assert.deepEqual(await messages("'run' in commit.properties"), ['add c']);
      assert.deepEqual(await messages("timestamp(commit.commitTime) > timestamp('2000-01-01T00:00:00Z')"), [
        'add z',
        'add c',
        'add b',
        'namespace',
      ]);
      assert.deepEqual(await messages("timestamp(commit.commitTime) < timestamp('2000-01-01T00:00:00Z')"), []);
      assert.deepEqual(await messages("operations.exists(op, op.name == 'c' && op.type == 'PUT')", '&fetch=ALL'), [
        'add c',
      ]);
      assert.deepEqual(
        await messages("operations.exists(op, op.key == 'db.z' && op.content.type == 'ICEBERG_TABLE')", '&fetch=ALL'),
        ['add z'],
      );
      const first = ok(
        await get(t, `/trees/${seg(b.name)}/history?max-records=2&filter=${q(`commit.author == '${author}'`)}`),
      );
      assert.deepEqual(
        first.logEntries.map((e: { commitMeta: { message: string } }) => e.commitMeta.message),
        ['add z', 'add c'],
      );
      assert.equal(first.hasMore, true);
      const rest = ok(
        await get(
          t,
          `/trees/${seg(b.name)}/history?max-records=2&page-token=${first.token}&filter=${q(`commit.author == '${author}'`)}`,
        ),
      );
      assert.deepEqual(
        rest.logEntries.map((e: { commitMeta: { message: string } }) => e.commitMeta.message),
        ['add b'],
      );
      expectStatus(await get(t, `/trees/${seg(b.name)}/history?filter=${q('commit.author ==')}`), 400, 'BAD_REQUEST');
    },
  },
  {
    name: 'CEL filter on a diff over key forms; min-key / max-key ranges on entries and diffs; a range with a prefix is a 400',
    async run(t) {
      const b = await threeCommits(t, unique('author'));
      const empty = await freshBranch(t, 'base');
      const diff = async (query: string) =>
        keysOf(ok(await get(t, `/trees/${seg(empty.name)}/diff/${seg(b.name)}?${query}`)).diffs);
      assert.deepEqual(await diff(`filter=${q("key.name in ['b', 'z'] && key.namespace == 'db'")}`), ['db.b', 'db.z']);
      assert.deepEqual(await diff(`filter=${q("size(key.keyElements) == 1 && key.encodedKey == 'db'")}`), ['db']);
      assert.deepEqual(await diff('min-key=db.b&max-key=db.c'), ['db.b', 'db.c']);
      assert.deepEqual(await diff('min-key=db.c'), ['db.c', 'db.z']);
      const entries = async (query: string) =>
        keysOf(ok(await get(t, `/trees/${seg(b.name)}/entries?${query}`)).entries);
      assert.deepEqual(await entries('min-key=db.b&max-key=db.c'), ['db.b', 'db.c']);
      assert.deepEqual(await entries('max-key=db.b'), ['db', 'db.b']);
      assert.deepEqual(await entries('min-key=db.c'), ['db.c', 'db.z']);
      expectStatus(await get(t, `/trees/${seg(b.name)}/entries?min-key=db.b&prefix-key=db`), 400, 'BAD_REQUEST');
    },
  },
];

filterCases.push({
  name: 'DIFFERENCE: a log filter on operations without fetch=ALL (Nessie matches nothing, rat reads the operations)',
  async run(t) {
    const b = await threeCommits(t, unique('author'));
    const body = ok(await get(t, `/trees/${seg(b.name)}/history?filter=${q("operations.exists(op, op.name == 'c')")}`));
    if (t.kind === 'nessie') {
      assert.deepEqual(body.logEntries, []);
      return;
    }
    assert.deepEqual(
      body.logEntries.map((e: { commitMeta: { message: string }; operations: unknown }) => [
        e.commitMeta.message,
        e.operations,
      ]),
      [['add c', null]],
    );
  },
});
