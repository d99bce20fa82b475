import type { VersionStore } from '../../store/types.ts';

/**
 * For the history walks' tests: a function that commits to a branch of `store()` a new namespace key (one of `keys`
 * distinct ones, cycling; unbounded by default) and answers the new head's hash, so tests can build histories
 * commit by commit.
 *
 * @example const commit = testCommitter(() => store); const h = await commit('main')
 */
export function testCommitter(store: () => VersionStore, keys = Infinity): (branch: string) => Promise<string> {
  let n = 0;
  return async (branch) => {
    const head = (await store().getReference(branch)).hash;
    const name = String(n % keys);
    const put = {
      type: 'PUT' as const,
      key: { elements: ['t', name] },
      content: { type: 'NAMESPACE' as const, elements: ['t', name], properties: {} },
    };
    n++;
    return (await store().commit(branch, head, { message: `c${n}` }, [put])).hash;
  };
}

/**
 * The order the walks answer in, spelled out for the tests' whole-history references: highest generation first, then
 * the newer commit time, then the hash.
 */
export function byNewestFirst(
  x: { generation: number; commitTime: string; hash: string },
  y: { generation: number; commitTime: string; hash: string },
): number {
  if (x.generation !== y.generation) return y.generation - x.generation;
  if (x.commitTime !== y.commitTime) return x.commitTime < y.commitTime ? 1 : -1;
  return x.hash < y.hash ? -1 : 1;
}
