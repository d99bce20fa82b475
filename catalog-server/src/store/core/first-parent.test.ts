import assert from 'node:assert/strict';
import { NoSuchReferenceError } from '../../errors/index.ts';
import { parseRefPath, resolveRefPath } from '../../service/management/ref-path.ts';
import { SqliteVersionStore } from '../sqlite/sqlite-store.ts';
import type { VersionStore } from '../types.ts';
import { CoreVersionStore } from './version-store.ts';

describe('first-parent walks in pages: ref~N and ref*<time>', function () {
  this.timeout(30_000);
  let writer: SqliteVersionStore;
  let head: string;
  /** The first-parent line from the head down to the root, read a commit at a time. */
  const line: Array<{ hash: string; ms: number }> = [];

  before(async () => {
    writer = await SqliteVersionStore.open(':memory:');
    head = (await writer.getReference('main')).hash;
    // More than one page of 1,000, with a merge on the line (its first parent is followed).
    for (let i = 0; i < 1_100; i++) {
      const put = {
        type: 'PUT' as const,
        key: { elements: ['t', String(i % 4)] },
        content: { type: 'NAMESPACE' as const, elements: ['t', String(i % 4)], properties: {} },
      };
      head = (await writer.commit('main', head, { message: `m${i}` }, [put])).hash;
      if (i === 500) await writer.createReference('side', 'BRANCH', head);
      if (i === 600) {
        await writer.commit('side', (await writer.getReference('side')).hash, { message: 's' }, [put]);
        head = (await writer.merge({ fromRefName: 'side', toBranch: 'main' })).resultantTargetHash;
      }
    }
    for (let h: string | undefined = head; h !== undefined;) {
      const c = await writer.getCommit(h);
      line.push({ hash: h, ms: Date.parse(c.commitTime) });
      h = c.parentHashes[0];
    }
  });
  after(async () => writer.close());

  /** A store on the writer's database with nothing cached but a few commits down the line (a partly warm server). */
  const partlyWarm = async (): Promise<VersionStore> => {
    const store = await CoreVersionStore.create(writer.persistence);
    for (const i of [3, 40, 700]) await store.getCommit(line[i]!.hash);
    return store;
  };

  it('finds the N-th first parent across pages and the cache, and null past the root', async () => {
    const store = await partlyWarm();
    for (const n of [0, 1, 2, 31, 32, 33, 39, 40, 41, 999, 1_000, 1_001, line.length - 1, line.length, 5_000]) {
      assert.equal(await store.firstParentAncestor(head, n), line[n]?.hash ?? null, `~${n}`);
      const viaPath = (await resolveRefPath(store, parseRefPath(`main~${n}`, 'main'))).hash;
      assert.equal(viaPath, line[n]?.hash ?? store.noAncestorHash, `main~${n}`);
    }
    assert.equal(await store.firstParentAncestor(line[900]!.hash, 150), line[1_050]!.hash);
    await assert.rejects(store.firstParentAncestor('f'.repeat(64), 1), NoSuchReferenceError);
  });

  it('finds the newest commit at or before a time, as a walk a commit at a time does', async () => {
    const store = await partlyWarm();
    const newest = (ms: number) => line.find((c) => c.ms <= ms)?.hash ?? null;
    const times = [0, 1, line[1]!.ms, line[33]!.ms - 1, line[500]!.ms, line[1_050]!.ms, line.at(-2)!.ms - 1];
    for (const ms of [...times, Date.now() + 1_000]) {
      assert.equal(await store.firstParentAsOf(head, ms), newest(ms), `*${ms}`);
      const iso = new Date(ms).toISOString();
      // Resolved by the store's ref-spec (`main*T`) and by the relative lookup after another (`main~0*T`).
      assert.equal((await store.resolve(`main*${ms}`)).hash, newest(ms) ?? line.at(-1)!.hash, `main*${ms}`);
      const relative = (await resolveRefPath(store, parseRefPath(`main~0*${iso}`, 'main'))).hash;
      assert.equal(relative, newest(ms) ?? store.noAncestorHash, `main~0*${iso}`);
    }
    assert.equal(await store.firstParentAsOf(head, -1), null);
  });
});
