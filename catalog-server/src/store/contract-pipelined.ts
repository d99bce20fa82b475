import assert from 'node:assert/strict';
import { key, put, storeSteps } from './contract-fixture.ts';
import type { VersionStore, WriteStats } from './types.ts';

/** A store that counts its write transactions and the writes they carried. */
export interface GroupCountingStore extends VersionStore {
  readonly groupCommitStats: WriteStats;
}

/**
 * Commits to one branch that arrive together: each is planned on the one before it (still in flight) and they share
 * transactions, on every backend whose persistence applies a ref's writes in order.
 *
 * @example describePipelinedCommitContract('SQLite on disk', () => SqliteVersionStore.open(file))
 */
export function describePipelinedCommitContract(name: string, open: () => Promise<GroupCountingStore>): void {
  describe(`VersionStore pipelined commits: ${name}`, () => {
    let store: GroupCountingStore;
    const { locationAt } = storeSteps(() => store);
    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => store.close());

    it('lands concurrent commits to one branch in shared transactions, each planned on the one before it', async () => {
      const root = (await store.getReference('main')).hash;
      const before = store.groupCommitStats;
      const tables = Array.from({ length: 16 }, (_, i) => `t${i}`);
      // Every writer read the same head (as Iceberg writers on `main` do) and changes a table of its own.
      const results = await Promise.all(
        tables.map((t) => store.commit('main', root, { message: t }, [put(key('ns', t), `${t}-1`)])),
      );
      const head = (await store.getReference('main')).hash;
      assert.equal(results.at(-1)!.hash, head, 'the last one handed over is the head');
      const log = (await store.log(head, { maxRecords: 16 })).items.reverse();
      assert.deepEqual(
        log.map((c) => c.message),
        tables,
        'one chain, in arrival order',
      );
      assert.deepEqual(
        results.map((r) => r.hash),
        log.map((c) => c.hash),
      );
      for (const t of tables) assert.equal(await locationAt(head, key('ns', t)), `${t}-1`);
      const after = store.groupCommitStats;
      const transactions = after.transactions - before.transactions;
      assert.equal(after.items - before.items, 16);
      assert.ok(transactions < 16 / 2, `16 commits in ${transactions} transactions`);
    });
  });
}
