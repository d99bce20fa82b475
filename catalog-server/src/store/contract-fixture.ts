import type { ContentInput, ContentKey, Operation, VersionStore } from './types.ts';

/*
 * Shorthands the VersionStore contract cases share: keys, table contents, PUT operations, and (bound to the suite's
 * current store) the head of a branch, a commit on it, and the metadata location of a key at a commit.
 *
 * @example
 *   const { head, commit } = storeSteps(() => store);
 *   await commit('main', [put(key('db', 't'), 'm1')]);
 */

/** A content key of `elements`. */
export const key = (...elements: string[]): ContentKey => ({ elements });

/** An Iceberg table content at metadata location `loc`. */
export const table = (loc: string, snapshotId = 1): ContentInput => ({
  type: 'ICEBERG_TABLE',
  metadataLocation: loc,
  snapshotId,
  schemaId: 0,
  specId: 0,
  sortOrderId: 0,
});

/** A PUT of a table at metadata location `loc` under key `k`. */
export const put = (k: ContentKey, loc: string): Operation => ({ type: 'PUT', key: k, content: table(loc) });

/**
 * Steps on the store `current` answers (the suite's fresh store of the running test).
 *
 * @example const { head } = storeSteps(() => store); await head('feature')
 */
export function storeSteps(current: () => VersionStore) {
  const head = async (ref = 'main') => (await current().getReference(ref)).hash;
  const commit = async (branch: string, ops: Operation[], message = 'change') =>
    (await current().commit(branch, await head(branch), { message }, ops)).hash;
  const locationAt = async (hash: string, k: ContentKey) => {
    const c = await current().getContent(hash, k);
    return c && 'metadataLocation' in c ? c.metadataLocation : undefined;
  };
  return { head, commit, locationAt };
}
