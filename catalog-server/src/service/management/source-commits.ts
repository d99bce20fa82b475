import { CommitNotOnReferenceError } from '../../errors/index.ts';
import type { VersionStore } from '../../store/types.ts';
import { MEMBERSHIP_WALK_LIMIT } from '../history/on-history.ts';
import { unreachedFrom } from '../history/reachable.ts';
import { DETACHED, resolveBodyCommit } from './ref-path.ts';

const PLAIN_HASH = /^[0-9a-fA-F]+$/;

/**
 * The full hashes of the commits a merge (`fromHash`) or a transplant (`hashesToTransplant`) takes from
 * `fromRefName`, in the order given. Each must be a commit of that reference, its head or reachable from it:
 * otherwise a transplant would copy changes from wherever the hash came from, and a merge would merge another
 * branch's commit under the source's name; a mistaken hash (a commit of the target, of another branch) surfaced as
 * a merge conflict, or not at all. Answers 404 for a source reference or a hash that does not exist (400 for an
 * ambiguous prefix), and `CommitNotOnReferenceError` (400) naming the hash as given and the reference for a commit
 * off its history. A `DETACHED` source names bare commits, which only need to exist.
 *
 * The check is one walk from the source head (or `opts.head`, a commit the caller read it at) for all the hashes, down
 * to the oldest of them and at most `opts.limit` commits (see `unreachedFrom`), so picking recent commits of a long
 * history stays cheap; a commit further down is refused, and the message says to name a reference at it. With auth
 * on, a caller who may not read every reference never gets here with a hash off the source's history: the
 * authorization step refuses it first, a hash that names no commit alike (http/auth/middleware.ts), so these answers
 * tell it nothing about other references' commits.
 *
 * @example await sourceCommits(store, 'dev', ['5e6f7a8b', '5e6f7a8b~1']) // ['5e6f7a8b…', '<its parent>…']
 */
export async function sourceCommits(
  store: VersionStore,
  fromRefName: string,
  hashes: readonly string[],
  opts: { limit?: number; head?: string } = {},
): Promise<string[]> {
  const limit = opts.limit ?? MEMBERSHIP_WALK_LIMIT;
  const detached = fromRefName === DETACHED;
  // The source first: a reference that does not exist is its own 404, whatever the hashes.
  const current = detached ? undefined : (await store.getReference(fromRefName)).hash;
  const head = current === undefined ? undefined : (opts.head ?? current);
  // Relative lookups (`1a2b3c4d~1`) walk back from a commit of the source; plain ids are looked up as they are.
  const full = await Promise.all(
    hashes.map(async (h) =>
      PLAIN_HASH.test(h) ? (await store.resolve(`@${h}`)).hash : resolveBodyCommit(store, fromRefName, h),
    ),
  );
  if (head === undefined) return full;
  const targets = new Map<string, number>();
  for (const h of new Set(full)) targets.set(h, (await store.commitLinks(h)).generation);
  const off = await unreachedFrom(head, targets, (h, bounds) => store.commitLinks(h, bounds), limit);
  const first = off.hashes[0];
  if (first !== undefined) {
    throw new CommitNotOnReferenceError(hashes[full.indexOf(first)]!, fromRefName, off.exhausted ? limit : undefined);
  }
  return full;
}
