import { BadRequestError } from '../../errors/index.ts';
import { jsonEquals } from '../canonical-json.ts';
import { treeDiff, type TreeDiffEntry, type TreeEntry } from '../tree/hamt.ts';
import type {
  Commit,
  Content,
  DiffEntry,
  EntryQuery,
  EntrySummary,
  KeyRange,
  Page,
  PageRequest,
  ReflogEntry,
} from '../types.ts';
import { toCommit } from './commit-records.ts';
import type { ObjectReader } from './objects.ts';
import { compareText, decodeToken, encodeToken, pageSize, pageSorted } from './paging.ts';
import { ListCache } from './list-cache.ts';
import { EntryIndexes, keyRangeOf, lowerBound, prefixRange } from './entry-index.ts';
import type { Persistence } from './persistence.ts';

/** Most entries all kept diffs may hold together (~50 MB at worst); a larger diff is computed again for every page. */
const DIFF_CACHE_ENTRIES = 250_000;

/**
 * The read side over committed objects: a commit's entries, first-parent log, diffs between commits, and the reflog.
 * Everything but the reflog reads immutable objects only, so it is the same on every server.
 *
 * @example await new History(persist, objects).log(headHash, { maxRecords: 20 })
 */
export class History {
  /** Sorted full diffs by tree pair: a diff read in pages is computed for its first page only. */
  private readonly diffs = new ListCache<TreeDiffEntry<Content>>(DIFF_CACHE_ENTRIES);
  /** Entries by tree, sorted: a listing reads its prefix's range, not the whole catalog. */
  private readonly indexes = new EntryIndexes<Content>();
  /** The namespaces alone: listing them reads no table entries, also at the top level (the whole key space). */
  private readonly namespaceIndexes = new EntryIndexes<Content>(undefined, (c) => c.type === 'NAMESPACE');

  constructor(
    private readonly persist: Persistence,
    private readonly objects: ObjectReader,
  ) {}

  async entries(hash: string, opts: EntryQuery): Promise<Page<EntrySummary>> {
    const limit = opts.maxRecords === undefined ? Infinity : pageSize(opts.maxRecords);
    const commit = await this.objects.commit(await this.objects.resolveHash(hash));
    const onlyNamespaces = opts.types?.length === 1 && opts.types[0] === 'NAMESPACE';
    const indexes = onlyNamespaces ? this.namespaceIndexes : this.indexes;
    // The parent's tree, to derive from, is only looked up when this tree is not indexed yet.
    const first = commit.parents[0];
    const parentTree = async () => (first === undefined ? undefined : (await this.objects.commit(first)).tree);
    const sorted = await indexes.sortedEntries(this.objects.nodes, commit.tree, parentTree);
    const [from, to] = keyRangeOf(sorted, opts, prefixRange(sorted, opts.prefix ?? []));
    let i = from;
    if (opts.pageToken) {
      const after = decodeToken(opts.pageToken);
      const at = lowerBound(sorted, after);
      i = Math.max(from, at < sorted.length && sorted[at].id === after ? at + 1 : at);
    }
    const depth = opts.childrenOnly ? (opts.prefix ?? []).length + 1 : undefined;
    const wanted = (e: TreeEntry<Content>) =>
      (!opts.types || opts.types.includes(e.value.type)) && (depth === undefined || e.elements.length === depth);
    const items: TreeEntry<Content>[] = [];
    for (; i < to && items.length < limit; i++) if (wanted(sorted[i])) items.push(sorted[i]);
    let more = false;
    for (; i < to && !more; i++) more = wanted(sorted[i]);
    return {
      items: items.map((e) => ({
        key: { elements: e.elements },
        type: e.value.type,
        contentId: e.value.id,
        ...(opts.withContent ? { content: e.value } : {}),
      })),
      token: more && items.length > 0 ? encodeToken(items[items.length - 1].id) : undefined,
    };
  }

  /** First-parent history from `hash`, newest first; the page token is the next commit's hash. */
  async log(hash: string, opts: PageRequest): Promise<Page<Commit>> {
    const limit = pageSize(opts.maxRecords);
    const start = await this.objects.resolveHash(opts.pageToken ? decodeToken(opts.pageToken) : hash);
    // The page and the commit after it (which decides whether there is a next page), read as one chain.
    const chain = await this.objects.firstParentChain(start, limit + 1);
    const items: Commit[] = [];
    let i = 0;
    // The parentless root commit is the store's "beginning of time", not a user commit: the log stops before it.
    for (; i < chain.length && items.length < limit && chain[i].parents[0]; i++) items.push(toCommit(chain[i]));
    const next = chain[i];
    return { items, token: next?.parents[0] ? encodeToken(next.hash) : undefined };
  }

  async diff(
    fromHash: string,
    toHash: string,
    opts: PageRequest & KeyRange & { prefix?: string[] },
  ): Promise<Page<DiffEntry>> {
    const from = (await this.objects.commit(await this.objects.resolveHash(fromHash))).tree;
    const to = (await this.objects.commit(await this.objects.resolveHash(toHash))).tree;
    const prefix = opts.prefix ?? [];
    const all = await this.diffs.get(`${from}:${to}`, async () =>
      (await treeDiff(this.objects.nodes, from, to, jsonEquals)).sort((a, b) => compareText(a.id, b.id)),
    );
    const [first, end] = keyRangeOf(all, opts, [0, all.length]);
    const ranged = first === 0 && end === all.length ? all : all.slice(first, end);
    const entries = prefix.length ? ranged.filter((d) => startsWith(d.elements, prefix)) : ranged;
    const page = pageSorted(entries, (d) => d.id, {
      limit: pageSize(opts.maxRecords, Math.max(entries.length, 1)),
      pageToken: opts.pageToken,
    });
    return {
      items: page.items.map((d) => ({ key: { elements: d.elements }, from: d.from ?? null, to: d.to ?? null })),
      token: page.token,
    };
  }

  /** Ref moves, newest first; the page token is the last line's id. */
  async reflog(opts: PageRequest & { refName?: string }): Promise<Page<ReflogEntry>> {
    const limit = pageSize(opts.maxRecords);
    const beforeId = opts.pageToken ? Number(decodeToken(opts.pageToken)) : Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(beforeId)) throw new BadRequestError('Invalid pageToken.');
    const rows = await this.persist.reflog({ refName: opts.refName, beforeId, limit: limit + 1 });
    const items = rows.slice(0, limit).map(({ id: _id, ...entry }) => entry);
    return { items, token: rows.length > limit ? encodeToken(String(rows[limit - 1].id)) : undefined };
  }
}

function startsWith(elements: string[], prefix: string[]): boolean {
  return prefix.length <= elements.length && prefix.every((p, i) => elements[i] === p);
}
