import assert from 'node:assert/strict';
import {
  branchWithTables,
  commit,
  createRef,
  expectStatus,
  get,
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

/** A branch with `db`, `db.t1`, `db.t2`, `other`, `other.t3` and a view `db.a.b` (a dot inside the name). */
async function populated(t: Parameters<Case['run']>[0]) {
  const b = await branchWithTables(t, ['t1', 't2']);
  const c = await commit(t, b.name, b.hash, [
    putOp(['other'], namespace('other')),
    putOp(['other', 't3'], table('s3://w/t3.json')),
    putOp(['db', 'a.b'], {
      type: 'ICEBERG_VIEW',
      metadataLocation: 's3://w/v.json',
      versionId: 1,
      schemaId: 0,
      sqlText: 'select 1',
      dialect: 'spark',
    }),
  ]);
  return { name: b.name, setup: b.hash, hash: c.hash, ids: { ...b.ids, ...c.ids } };
}

export const readCases: Case[] = [
  {
    name: 'entries list keys with type and content id; prefix-key narrows; content=true adds contents',
    async run(t) {
      const b = await populated(t);
      const all = ok(await get(t, `/trees/${seg(b.name)}/entries`));
      assert.deepEqual(keysOf(all.entries).sort(), ['db', 'db.a.b', 'db.t1', 'db.t2', 'other', 'other.t3']);
      const t1 = all.entries.find((e: { name: { elements: string[] } }) => e.name.elements.join('.') === 'db.t1');
      assert.deepEqual(t1, {
        type: 'ICEBERG_TABLE',
        name: { elements: ['db', 't1'] },
        contentId: b.ids['db.t1'],
        content: null,
      });
      assert.deepEqual(all.effectiveReference, { type: 'BRANCH', name: b.name, hash: b.hash });
      const db = ok(await get(t, `/trees/${seg(b.name)}/entries?prefix-key=db`));
      assert.deepEqual(keysOf(db.entries).sort(), ['db', 'db.a.b', 'db.t1', 'db.t2']);
      const withContent = ok(await get(t, `/trees/${seg(b.name)}/entries?prefix-key=other&content=true`));
      const t3 = withContent.entries.find((e: { type: string }) => e.type === 'ICEBERG_TABLE');
      assert.equal(t3.content.metadataLocation, 's3://w/t3.json');
      assert.equal(t3.content.id, b.ids['other.t3']);
    },
  },
  {
    name: 'entries page with max-records / page-token and cover every key once',
    async run(t) {
      const b = await populated(t);
      const seen: string[] = [];
      let token: string | null = null;
      let pages = 0;
      do {
        const q: string = `max-records=2${token ? `&page-token=${token}` : ''}`;
        const body = ok(await get(t, `/trees/${seg(b.name)}/entries?${q}`));
        assert.ok(body.entries.length <= 2);
        seen.push(...keysOf(body.entries));
        assert.equal(body.hasMore, body.token !== null);
        token = body.token;
        pages++;
      } while (token && pages < 100);
      assert.deepEqual(seen.sort(), ['db', 'db.a.b', 'db.t1', 'db.t2', 'other', 'other.t3']);
      assert.ok(pages >= 3);
    },
  },
  {
    name: 'contents: one key, escaped keys, several keys (GET and POST), unknown key 404',
    async run(t) {
      const b = await populated(t);
      const one = ok(await get(t, `/trees/${seg(b.name)}/contents/db.t1`));
      assert.equal(one.content.type, 'ICEBERG_TABLE');
      assert.equal(one.content.id, b.ids['db.t1']);
      assert.deepEqual(one.effectiveReference, { type: 'BRANCH', name: b.name, hash: b.hash });
      // Nessie's escaped form for a dot inside an element (spec 2.2.0) and the legacy group-separator form.
      const view = ok(await get(t, `/trees/${seg(b.name)}/contents/${encodeURIComponent('.db.a*.b')}`)).content;
      assert.equal(view.type, 'ICEBERG_VIEW');
      assert.equal(view.sqlText, 'select 1');
      const legacy = ok(await get(t, `/trees/${seg(b.name)}/contents/${encodeURIComponent('db.a\u001db')}`)).content;
      assert.equal(legacy.id, view.id);
      const many = ok(await get(t, `/trees/${seg(b.name)}/contents?key=db.t1&key=other.t3&key=db.nope`));
      assert.deepEqual(keysOf(many.contents).sort(), ['db.t1', 'other.t3']);
      const posted = ok(
        await post(t, `/trees/${seg(b.name)}/contents`, {
          requestedKeys: [{ elements: ['db', 'a.b'] }, { elements: ['db', 't2'] }, { elements: ['zz'] }],
        }),
      );
      assert.deepEqual(keysOf(posted.contents).sort(), ['db.a.b', 'db.t2']);
      expectStatus(await get(t, `/trees/${seg(b.name)}/contents/db.nope`), 404, 'CONTENT_NOT_FOUND');
      expectStatus(await post(t, `/trees/${seg(b.name)}/contents`, { requestedKeys: [] }), 400, 'BAD_REQUEST');
    },
  },
  {
    name: 'detached reads: name@hash, @hash, name~1 and a raw slash before @ see the old state',
    async run(t) {
      const b = await populated(t);
      const old = ok(await get(t, `/trees/${seg(b.name)}@${b.setup}/entries`));
      assert.deepEqual(keysOf(old.entries).sort(), ['db', 'db.t1', 'db.t2']);
      assert.deepEqual(old.effectiveReference, { type: 'BRANCH', name: b.name, hash: b.setup });
      const detached = ok(await get(t, `/trees/@${b.setup}/contents/db.t1`));
      assert.deepEqual(detached.effectiveReference, { type: 'DETACHED', hash: b.setup });
      expectStatus(await get(t, `/trees/@${b.setup}/contents/other.t3`), 404, 'CONTENT_NOT_FOUND');
      const back = ok(await get(t, `/trees/${seg(b.name)}~1/entries`));
      assert.equal(back.effectiveReference.hash, b.setup);
      // Nessie clients write `feature/x@<hash>` with a raw slash.
      const slashed = unique('feature/y');
      await createRef(t, slashed, 'BRANCH', { name: b.name, hash: b.hash });
      const raw = ok(await get(t, `/trees/${slashed}@${b.setup}/entries`));
      assert.deepEqual(keysOf(raw.entries).sort(), ['db', 'db.t1', 'db.t2']);
      // The default branch as `-`.
      const main = ok(await get(t, '/trees/-/entries'));
      assert.equal(main.effectiveReference.name, 'main');
    },
  },
  {
    name: 'diff between two refs lists added, changed and removed keys with both sides',
    async run(t) {
      const b = await populated(t);
      const other = unique('diff');
      await createRef(t, other, 'BRANCH', { name: b.name, hash: b.hash });
      const c = await commit(t, other, b.hash, [
        putOp(['db', 't1'], table('s3://w/t1/2.json', 2, b.ids['db.t1'])),
        { type: 'DELETE', key: { elements: ['db', 't2'] } },
        putOp(['db', 't4'], table('s3://w/t4.json')),
      ]);
      const d = ok(await get(t, `/trees/${seg(b.name)}/diff/${seg(other)}`));
      assert.deepEqual(keysOf(d.diffs).sort(), ['db.t1', 'db.t2', 'db.t4']);
      const by = new Map(d.diffs.map((x: { key: { elements: string[] } }) => [x.key.elements.join('.'), x]));
      const t1 = by.get('db.t1') as { from: { metadataLocation: string }; to: { metadataLocation: string } };
      assert.equal(t1.from.metadataLocation, 's3://w/t1/1.json');
      assert.equal(t1.to.metadataLocation, 's3://w/t1/2.json');
      assert.equal((by.get('db.t2') as { to: unknown }).to, null);
      assert.equal((by.get('db.t4') as { from: unknown }).from, null);
      assert.deepEqual(d.effectiveFromReference, { type: 'BRANCH', name: b.name, hash: b.hash });
      assert.deepEqual(d.effectiveToReference, { type: 'BRANCH', name: other, hash: c.hash });
      const empty = ok(await get(t, `/trees/${seg(b.name)}/diff/${seg(b.name)}`));
      assert.deepEqual(empty.diffs, []);
      const prefixed = ok(await get(t, `/trees/${seg(b.name)}@${b.setup}/diff/${seg(other)}?prefix-key=other`));
      assert.deepEqual(keysOf(prefixed.diffs).sort(), ['other', 'other.t3']);
    },
  },
];
