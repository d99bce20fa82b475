import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  openCatalogDatabase,
  parseStoreLocation,
  SqliteVersionStore,
  type Operation,
  type ReflogEntry,
  type VersionStore,
} from '@ratatouille/catalog-server';
import { startTestPostgres, type TestPostgres } from './support/postgres.ts';
import { runRat } from './support/rat-cli.ts';

const table = (name: string, v: number): Operation => ({
  type: 'PUT',
  key: { elements: ['db', name] },
  content: {
    type: 'ICEBERG_TABLE',
    metadataLocation: `file:///w/${name}/v${v}.json`,
    snapshotId: v,
    schemaId: 0,
    specId: 0,
    sortOrderId: 0,
  },
});

/** Every commit hash of `ref`'s first-parent history, newest first. */
async function history(store: VersionStore, ref: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  const head = (await store.getReference(ref)).hash;
  do {
    const page = await store.log(head, { maxRecords: 10_000, pageToken: token });
    out.push(...page.items.map((c) => c.hash));
    token = page.token;
  } while (token);
  return out;
}

/** The whole reflog, newest first, read page by page. */
async function reflogOf(store: VersionStore): Promise<ReflogEntry[]> {
  const out: ReflogEntry[] = [];
  let token: string | undefined;
  do {
    const page = await store.reflog({ maxRecords: 1000, pageToken: token });
    out.push(...page.items);
    token = page.token;
  } while (token);
  return out;
}

describe('rat migrate: SQLite → PostgreSQL', function () {
  this.timeout(600_000);
  let db: TestPostgres;
  let dir: string;
  before(async () => {
    db = await startTestPostgres();
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-migrate-'));
  });
  after(async () => {
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies a catalog of 10,000 commits with branches, tags, a merge and code links, verified', async () => {
    const file = path.join(dir, 'catalog.db');
    const source = await SqliteVersionStore.open(file);
    // Building the fixture, not testing durability: skip the per-commit fsync.
    source.db.pragma('synchronous = OFF');
    let head = (await source.getReference('main')).hash;
    for (let i = 0; i < 10_000; i++) {
      head = (await source.commit('main', head, { message: `c${i}` }, [table(`t${i % 300}`, i)])).hash;
      if (i === 5_000) await source.createReference('feature', 'BRANCH', head);
      if (i === 7_000) await source.createReference('v1', 'TAG', head);
    }
    let feature = (await source.getReference('feature')).hash;
    for (let i = 0; i < 5; i++) {
      feature = (await source.commit('feature', feature, { message: `f${i}` }, [table(`feature${i}`, i)])).hash;
    }
    await source.merge({ fromRefName: 'feature', toBranch: 'main' });
    const doomed = await source.createReference('doomed', 'BRANCH', feature);
    await source.deleteReference('doomed', 'BRANCH', doomed.hash);
    const before = await openCatalogDatabase(parseStoreLocation(file));
    await before.codeLinks.put({ sha: 'a'.repeat(40), dataRef: 'main', dataHash: head });
    await before.codeLinks.put({ sha: 'b'.repeat(40), dataRef: 'feature', dataHash: feature });
    await before.pendingMerges.put({
      id: 'ab12cd34ef56',
      sourceRef: 'feature',
      targetRef: 'main',
      sourceHash: feature,
      sourceBranch: 'feature',
      targetBranch: 'main',
      forge: 'github',
      state: 'rebuild',
      tables: ['gold.daily_revenue'],
      blocking: [],
    });
    const expected = {
      refs: await source.listReferences(),
      main: await history(source, 'main'),
      entries: (await source.listEntries((await source.getReference('main')).hash, { maxRecords: 10_000 })).items,
      reflog: await reflogOf(source),
    };
    await source.close();
    await before.store.close();

    const url = await db.createDatabase();
    const r = await runRat(dir, ['migrate', '--from', `sqlite:${file}`, '--to', url]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /verified it: 100\d\d commits/);
    assert.match(r.out, new RegExp(`${expected.reflog.length} reflog lines`));

    const target = await openCatalogDatabase(parseStoreLocation(url));
    try {
      assert.deepEqual(await target.store.listReferences(), expected.refs);
      assert.deepEqual(await history(target.store, 'main'), expected.main);
      assert.ok(expected.main.length > 10_000);
      const mainHead = (await target.store.getReference('main')).hash;
      assert.deepEqual((await target.store.listEntries(mainHead, { maxRecords: 10_000 })).items, expected.entries);
      const old = await target.store.getContent(head.slice(0, 12), { elements: ['db', 't0'] });
      assert.equal(old?.type, 'ICEBERG_TABLE');
      assert.equal((await target.codeLinks.get('a'.repeat(40)))?.dataHash, head);
      assert.equal((await target.codeLinks.get('b'.repeat(40)))?.dataRef, 'feature');
      assert.deepEqual(
        (await target.pendingMerges.list('main')).map((p) => [p.id, p.state, p.sourceHash]),
        [['ab12cd34ef56', 'rebuild', feature]],
      );
      // Every ref creation, commit, merge and deletion, in order and with the source's times.
      assert.deepEqual(await reflogOf(target.store), expected.reflog);
      assert.ok(expected.reflog.length > 10_000);
      assert.deepEqual(
        expected.reflog.slice(0, 2).map((l) => [l.refName, l.operation]),
        [
          ['doomed', 'DELETE'],
          ['doomed', 'CREATE'],
        ],
      );
      // The copy is a working catalog: commits land on top of the copied heads, logged after the copied lines.
      const next = await target.store.commit('main', mainHead, { message: 'after migrate' }, [table('new', 1)]);
      assert.equal((await target.store.getCommit(next.hash)).parentHashes[0], mainHead);
      const latest = (await target.store.reflog({ maxRecords: 2 })).items;
      assert.deepEqual(
        latest.map((l) => [l.refName, l.operation, l.newHash]),
        [
          ['main', 'COMMIT', next.hash],
          ['doomed', 'DELETE', null],
        ],
      );
    } finally {
      await target.store.close();
    }

    // A second copy into the now non-empty target is refused, and changes nothing there.
    const again = await runRat(dir, ['migrate', '--from', `sqlite:${file}`, '--to', url]);
    assert.notEqual(again.code, 0, again.out);
  });
});
