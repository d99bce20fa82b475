import type { VersionStore } from './types.ts';
import { describeCommitCases } from './contract-commits.ts';
import { describeMergeCases } from './contract-merge.ts';
import { describeResolverMergeCases } from './contract-merge-resolver.ts';
import { describeReferenceCases } from './contract-references.ts';
import { describeReferencePages } from './contract-ref-pages.ts';

/**
 * The behaviour every VersionStore must have, written once and run against each implementation (SQLite in memory
 * and on disk, PostgreSQL in test/store-postgres.test.ts). `factory` returns a fresh, empty store; the suite closes it.
 * The cases live beside this file, one concern each (`contract-*.ts`); each runs on the store of the running test.
 *
 * @example describeVersionStoreContract('SQLite in memory', () => SqliteVersionStore.open(':memory:'))
 */
export function describeVersionStoreContract(name: string, factory: () => Promise<VersionStore>): void {
  describe(`VersionStore contract: ${name}`, () => {
    let store: VersionStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });
    const current = () => store;

    describeReferenceCases(current);
    describeReferencePages(current);
    describeCommitCases(current);
    describeMergeCases(current);
    describeResolverMergeCases(current);
  });
}
