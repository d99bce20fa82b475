import assert from 'node:assert/strict';
import { CoreVersionStore } from '../../store/core/version-store.ts';
import type { Persistence } from '../../store/core/persistence.ts';
import { SqliteVersionStore } from '../../store/sqlite/sqlite-store.ts';
import { parseRefPath, resolveRefPath } from '../management/ref-path.ts';
import { aheadBehind } from './ahead-behind.ts';
import { commitGraph } from './graph.ts';
import { testCommitter } from './test-commits.ts';

/**
 * A persistence that counts its calls (each a round trip on PostgreSQL) and forwards them to `inner`.
 *
 * @example const { persistence, calls } = counting(store.persistence); calls() // 0
 */
function counting(inner: Persistence): { persistence: Persistence; calls: () => number } {
  let n = 0;
  const persistence = new Proxy(inner, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        n++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { persistence, calls: () => n };
}

describe('history walks over 5,000 commits read them in pages, not a commit per round trip', function () {
  this.timeout(60_000);
  let writer: SqliteVersionStore;
  let main: string;
  let old: string;
  let fourThousandBack: string;

  before(async () => {
    writer = await SqliteVersionStore.open(':memory:');
    const commit = testCommitter(() => writer, 8);
    const first = await commit('main');
    await writer.createReference('old', 'BRANCH', first);
    await commit('old');
    old = await commit('old');
    for (let i = 0; i < 5_000; i++) {
      main = await commit('main');
      if (i !== 2_500) continue;
      // A side branch merged in: the graph and ahead-behind follow second parents too.
      await writer.createReference('side', 'BRANCH', main);
      for (let j = 0; j < 3; j++) await commit('side');
      main = (await writer.merge({ fromRefName: 'side', toBranch: 'main' })).resultantTargetHash;
    }
    fourThousandBack = (await writer.log(main, { maxRecords: 1, pageToken: undefined })).items[0]!.hash;
    for (let i = 0; i < 4_000; i++) fourThousandBack = (await writer.getCommit(fourThousandBack)).parentHashes[0]!;
  });
  after(async () => writer.close());

  /** A store over the writer's database with nothing cached (a restarted server), counting its round trips. */
  const cold = async () => {
    const { persistence, calls } = counting(writer.persistence);
    const store = await CoreVersionStore.create(persistence);
    const before = calls();
    return { store, calls: () => calls() - before };
  };

  it('ahead-behind of a branch forked 5,000 commits back', async () => {
    const { store, calls } = await cold();
    const result = await aheadBehind(store, old, main);
    assert.deepEqual(result, { ahead: 2, behind: 5_004, truncated: false, mergeBase: result.mergeBase });
    assert.equal(result.mergeBase, await writer.mergeBase(old, main));
    // Pages of 64, 64, 128, … 1,000: about a dozen reads where a commit per read was 5,007.
    assert.ok(calls() <= 15, `${calls()} round trips`);
    // The limit still bounds the walk, reads included.
    const bounded = await cold();
    assert.equal((await aheadBehind(bounded.store, old, main, 100)).truncated, true);
    assert.ok(bounded.calls() <= 3, `${bounded.calls()} round trips`);
  });

  it('the commit graph, a page at a time', async () => {
    const { store, calls } = await cold();
    const page = await commitGraph(store, [main, old], { maxRecords: 100 });
    assert.equal(page.items.length, 100);
    // The page's links in one read per head, then its commits in one read.
    assert.ok(calls() <= 3, `${calls()} round trips`);
    let listed = page.items.length;
    let pages = 1;
    for (let token = page.token; token; pages++) {
      const next = await commitGraph(store, [main, old], { maxRecords: 1_000, pageToken: token });
      listed += next.items.length;
      token = next.token;
    }
    assert.equal(listed, 1 + 2 + 5_000 + 3 + 1);
    assert.ok(calls() <= 3 * pages, `${calls()} round trips for ${pages} pages`);
  });

  it('main~4000 and main*<the time of main~4000>', async () => {
    const { store, calls } = await cold();
    assert.equal((await resolveRefPath(store, parseRefPath('main~4000', 'main'))).hash, fourThousandBack);
    // The ref, then four pages of 1,000 and one of one.
    assert.ok(calls() <= 6, `${calls()} round trips`);
    const at = new Date((await writer.getCommit(fourThousandBack)).commitTime).toISOString();
    const expected = await newestAtOrBefore(writer, main, Date.parse(at));
    for (const spec of [`main*${at}`, `main~1*${at}`]) {
      const timed = await cold();
      assert.equal((await resolveRefPath(timed.store, parseRefPath(spec, 'main'))).hash, expected);
      // Pages of 32, 64, … 1,000.
      assert.ok(timed.calls() <= 12, `${spec}: ${timed.calls()} round trips`);
    }
  });
});

/** The reference answer for `*time`, a commit per step. */
async function newestAtOrBefore(store: SqliteVersionStore, hash: string, atMs: number): Promise<string> {
  let c = await store.getCommit(hash);
  while (Date.parse(c.commitTime) > atMs) c = await store.getCommit(c.parentHashes[0]!);
  return c.hash;
}
