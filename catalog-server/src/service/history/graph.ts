import { BadRequestError } from '../../errors/index.ts';
import type { Commit, CommitLinks, Page, PageRequest, VersionStore } from '../../store/types.ts';
import { decodeToken as decodePosition, encodeToken as encodePosition } from '../../store/core/paging.ts';
import { NewestFirst } from './newest-first.ts';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

/**
 * The commits reachable from `heads` through every parent (not only the first), newest first, as `git log --graph`
 * lists them: each commit comes before all of its parents, so a client can draw lanes page by page. The root commit
 * is left out. The page token holds the walk's open lines (the commits waiting to be listed), which are as many as
 * the graph has parallel lanes at the cut, so every page costs the same however deep the history is. The walk reads
 * only the links of each commit, a commit the store does not hold together with the ancestors the page goes on to,
 * then the page's commits at once: a page of 100 on PostgreSQL costs a few queries, not one per commit.
 *
 * @example const page = await commitGraph(store, [mainHash, featureHash], { maxRecords: 50 });
 */
export async function commitGraph(store: VersionStore, heads: string[], req: PageRequest = {}): Promise<Page<Commit>> {
  const limit = Math.min(Math.max(req.maxRecords ?? DEFAULT_PAGE, 1), MAX_PAGE);
  const queue = new NewestFirst<CommitLinks & { hash: string }>();
  const listed: string[] = [];
  // A commit not held is read with the ancestors the page may still list, and none past them.
  const load = async (hash: string) => ({
    hash,
    ...(await store.commitLinks(hash, { floor: -1, wanted: limit - listed.length + 1 })),
  });
  const start = req.pageToken ? decodeToken(req.pageToken) : heads;
  // A hash prefix (a hand-made token) is resolved as `getCommit` does; the walk's own hashes are full.
  for (const hash of start) queue.push(await load(hash.length === 64 ? hash : (await store.getCommit(hash)).hash));
  while (queue.size > 0 && listed.length < limit) {
    const c = queue.pop()!;
    if (c.hash === store.noAncestorHash) continue;
    listed.push(c.hash);
    for (const p of c.parentHashes) {
      if (!queue.has(p) && p !== store.noAncestorHash) queue.push(await load(p));
    }
  }
  const items = await store.getCommits(listed);
  return queue.size > 0 ? { items, token: encodeToken(queue.hashes()) } : { items };
}

function encodeToken(hashes: string[]): string {
  return encodePosition(hashes.join(','));
}

function decodeToken(token: string): string[] {
  const hashes = decodePosition(token).split(',');
  if (hashes.length === 0 || !hashes.every((h) => /^[0-9a-f]{8,64}$/.test(h))) {
    throw new BadRequestError('Invalid page-token for the commit graph: pass the token of the previous page as is.');
  }
  return hashes;
}

/**
 * {@link commitGraph} from references (any `{ref}` spelling the store resolves) rather than hashes.
 *
 * @example await commitGraphOf(store, ['main', 'feature/x'], { maxRecords: 50 })
 */
export async function commitGraphOf(store: VersionStore, refs: string[], req: PageRequest = {}): Promise<Page<Commit>> {
  const heads = await Promise.all(refs.map(async (r) => (await store.resolve(r)).hash));
  return commitGraph(store, heads, req);
}
