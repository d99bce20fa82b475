import { NoSuchReferenceError } from '../../errors/index.ts';
import type { Commit, Reference, VersionStore } from '../../store/types.ts';
import { aheadBehind } from '../history/ahead-behind.ts';

/**
 * Commits one ahead/behind count walks at most: a branch forked from the default branch further back than this is
 * answered without counts (a lower bound would read as the answer), as one that shares no history with it.
 */
const COUNT_LIMIT = 10_000;

/**
 * What Nessie's `fetch=ALL` adds to a reference (`ReferenceMetadata`): its HEAD's commit meta and how many commits lead
 * to it, and for a branch other than the default one, how far it is ahead of and behind the default branch and their
 * newest common ancestor. The default branch and tags leave the comparison out (null), as Nessie does.
 */
export interface ReferenceMetadata {
  numCommitsAhead: number | null;
  numCommitsBehind: number | null;
  commitMetaOfHEAD: Commit | null;
  commonAncestorHash: string | null;
  /**
   * The HEAD's generation: the commits on the longest line from it down to the beginning, the HEAD included (on a
   * history without merges, all of them; Nessie counts along first parents).
   */
  numTotalCommits: number | null;
}

/**
 * Reads references' metadata, one reference at a time as a listing pages through them: undefined for a reference
 * still at the beginning of history (no commit to describe, as Nessie answers it) and for one whose history the caller
 * may not read (`readsHistory`: a commit's message and the counts tell of keys beyond a namespace-restricted caller's
 * namespaces, which is why such callers read no log); a branch is compared with the default branch only when that
 * history is readable too. The default branch's head is read once, at the first branch to compare; each other branch
 * costs a walk of the commits since it and the default branch parted (at most `countLimit`, {@link COUNT_LIMIT}).
 *
 * @example const metadataOf = referenceMetadataReader(store); (await metadataOf(feature))?.numCommitsAhead // 3
 */
export function referenceMetadataReader(
  store: VersionStore,
  readsHistory: (name: string) => boolean = () => true,
  countLimit = COUNT_LIMIT,
): (ref: Reference) => Promise<ReferenceMetadata | undefined> {
  let base: Promise<string | undefined> | undefined;
  return async (ref) => {
    if (ref.hash === store.noAncestorHash || !readsHistory(ref.name)) return undefined;
    const [head] = await store.getCommits([ref.hash]);
    if (!head || head.parentHashes.length === 0) return undefined;
    const meta: ReferenceMetadata = {
      numCommitsAhead: null,
      numCommitsBehind: null,
      commitMetaOfHEAD: head,
      commonAncestorHash: null,
      numTotalCommits: head.generation,
    };
    if (ref.type !== 'BRANCH' || ref.name === store.defaultBranch || !readsHistory(store.defaultBranch)) return meta;
    const defaultHash = await (base ??= defaultHead(store));
    if (defaultHash === undefined) return meta;
    const counts = await aheadBehind(store, ref.hash, defaultHash, countLimit);
    if (counts.truncated) return meta;
    return {
      ...meta,
      numCommitsAhead: counts.ahead,
      numCommitsBehind: counts.behind,
      commonAncestorHash: counts.mergeBase,
    };
  };
}

/** The default branch's head, undefined when it was deleted (then no branch is compared with it). */
async function defaultHead(store: VersionStore): Promise<string | undefined> {
  try {
    return (await store.getReference(store.defaultBranch)).hash;
  } catch (err) {
    if (err instanceof NoSuchReferenceError) return undefined;
    throw err;
  }
}
