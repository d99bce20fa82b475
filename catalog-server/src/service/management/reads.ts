/**
 * Read operations of the management API at a `{ref}`: commit log, entries, diff and contents. Each resolves the
 * `{ref}` (hash, relative lookups) and answers store objects together with the commit actually read (Nessie's
 * `effectiveReference`).
 */
import { BadRequestError, NoSuchContentError } from '../../errors/index.ts';
import { fillPage } from '../../store/core/fill-page.ts';
import { decodeToken, encodeToken, pageSize } from '../../store/core/paging.ts';
import { keyId } from '../../store/types.ts';
import type {
  Commit,
  CommitWithOperations,
  Content,
  ContentKey,
  DiffEntry,
  EntrySummary,
  KeyRange,
  Page,
  PageRequest,
  ResolvedRef,
  VersionStore,
} from '../../store/types.ts';
import { keyNamespaces } from '../../auth/namespace-scope.ts';
import { diffFilter, entryFilter, logFilter } from './cel-filters.ts';
import { formatContentKey } from './content-key.ts';
import { resolveRefPath, type RefPath } from './ref-path.ts';

export interface LogQuery extends PageRequest {
  /** Stop at (and include) the commit whose hash starts with this. */
  limitHash?: string;
  /** Include each commit's operations (Nessie's `fetch=ALL`). */
  withOperations?: boolean;
  /** A CEL expression over `commit` and `operations` (cel-filters.ts). */
  filter?: string;
}

/**
 * Commits or keys one filtered page reads at most: a filter that keeps few of a long history (or a large diff) ends
 * its page there, short or empty, with a token to read on.
 */
const FILTERED_READ_LIMIT = 20_000;

/**
 * The commits reachable from `{ref}` on the first-parent line, newest first, without the root commit (Nessie's "no
 * ancestor" hash, which no one made). A `filter` skips commits without shortening the page while commits it keeps
 * follow (up to {@link FILTERED_READ_LIMIT} commits read per page); the page token names the next commit to read.
 *
 * @example await commitLog(store, parseRefPath('main', 'main'), { maxRecords: 20, filter: "commit.author == 'ci'" })
 */
export async function commitLog(
  store: VersionStore,
  ref: RefPath,
  q: LogQuery,
): Promise<Page<Commit | CommitWithOperations>> {
  const at = await resolveRefPath(store, ref);
  const filter = q.filter ? await logFilter(q.filter) : undefined;
  const limit = q.limitHash?.toLowerCase();
  let stopped = false;
  const page = await fillPage<Commit | CommitWithOperations, string>({
    limit: pageSize(q.maxRecords),
    // A position is the next commit to read: the token's, or the parent of the last commit read.
    after: q.pageToken ? decodeToken(q.pageToken) : undefined,
    read: async (next, count) => {
      if (stopped) return [];
      let rows: Array<Commit | CommitWithOperations> = (await store.log(next ?? at.hash, { maxRecords: count })).items;
      const i = limit ? rows.findIndex((c) => c.hash.startsWith(limit)) : -1;
      if (i >= 0) [rows, stopped] = [rows.slice(0, i + 1), true];
      if (filter?.withOperations) rows = await store.getCommits(hashesOf(rows), { withOperations: true });
      return rows;
    },
    positionOf: (c) => c.parentHashes[0]!,
    keep: filter?.keep ?? (() => true),
    maxRead: filter ? FILTERED_READ_LIMIT : undefined,
  });
  const items =
    q.withOperations && !filter?.withOperations
      ? await store.getCommits(hashesOf(page.items), { withOperations: true })
      : page.items;
  return { items, token: page.resumeAfter === undefined ? undefined : encodeToken(page.resumeAfter) };
}

function hashesOf(commits: readonly Commit[]): string[] {
  return commits.map((c) => c.hash);
}

export interface KeyQuery extends PageRequest, KeyRange {
  /** Only keys under this prefix (whole elements). */
  prefix?: string[];
  /** Only these keys (none: all). */
  keys?: ContentKey[];
  /** A CEL expression (cel-filters.ts): over `entry` for entries, over `key` for a diff. */
  filter?: string;
}

/**
 * Which namespaces of one `{ref}` the caller may read (namespace-restricted auth rules); everything when absent.
 * Keys outside them are left out of listings and answered as missing, so a hidden key and an absent one look alike.
 */
export type NamespaceVisibility = (ns: readonly string[]) => boolean;

/** Whether a key holding content of `type` is visible: its namespace (both readings for an unknown type) is. */
function keyVisible(visible: NamespaceVisibility | undefined, key: ContentKey, type: Content['type']): boolean {
  return !visible || keyNamespaces(key.elements, type).every(visible);
}

/**
 * One page of a key-ordered store listing (entries or a diff) keeping only the keys `keep` accepts: a filter never
 * shortens a page while keys it keeps follow (up to {@link FILTERED_READ_LIMIT} keys read per page). The store's page
 * token is the last key's id, so pages of the filtered listing continue the store's.
 */
async function keyPage<T extends { key: ContentKey }>(
  q: PageRequest,
  read: (page: PageRequest) => Promise<Page<T>>,
  keep: ((item: T) => boolean) | undefined,
): Promise<Page<T>> {
  if (!keep) return read(q);
  // No page size: the whole listing in one page, as unfiltered.
  if (q.maxRecords === undefined) {
    const all = await read({ pageToken: q.pageToken });
    return { items: all.items.filter(keep) };
  }
  const page = await fillPage<T, string>({
    limit: pageSize(q.maxRecords),
    after: q.pageToken ? decodeToken(q.pageToken) : undefined,
    read: async (after, count) =>
      (await read({ maxRecords: count, pageToken: after === undefined ? undefined : encodeToken(after) })).items,
    positionOf: (item) => keyId(item.key),
    keep,
    maxRead: FILTERED_READ_LIMIT,
  });
  return { items: page.items, token: page.resumeAfter === undefined ? undefined : encodeToken(page.resumeAfter) };
}

/** Nessie refuses a prefix together with a key range (a prefix is a range of its own). */
function assertOneRange(q: KeyQuery): void {
  if (q.prefix?.length && (q.minKey || q.maxKey))
    throw new BadRequestError('Combining prefix-key with min-key or max-key is not supported: give one or the other.');
}

/**
 * The entries (keys with their type and content id) at `{ref}`, optionally within a key range or a prefix, filtered
 * by a CEL expression, and with each entry's content.
 *
 * @example await listEntries(store, parseRefPath('main', 'main'), { filter: "entry.contentType == 'ICEBERG_TABLE'" })
 */
export async function listEntries(
  store: VersionStore,
  ref: RefPath,
  q: KeyQuery & { withContent?: boolean; visible?: NamespaceVisibility },
): Promise<{ at: ResolvedRef; page: Page<{ entry: EntrySummary; content: Content | null }> }> {
  assertOneRange(q);
  const at = await resolveRefPath(store, ref);
  const wanted = q.keys?.length ? new Set(q.keys.map(keyId)) : null;
  const matches = q.filter ? await entryFilter(q.filter) : undefined;
  // Hidden keys go first: a CEL filter never sees them (its errors would name them).
  const keep =
    q.visible || wanted || matches
      ? (e: EntrySummary) =>
          keyVisible(q.visible, e.key, e.type) && (!wanted || wanted.has(keyId(e.key))) && (!matches || matches(e))
      : undefined;
  const page = await keyPage(
    q,
    (p) =>
      store.listEntries(at.hash, {
        ...p,
        prefix: q.prefix,
        minKey: q.minKey,
        maxKey: q.maxKey,
        withContent: q.withContent,
      }),
    keep,
  );
  return {
    at,
    page: { items: page.items.map((entry) => ({ entry, content: entry.content ?? null })), token: page.token },
  };
}

/**
 * What changed between two `{ref}`s, key by key, optionally within a key range or a prefix and filtered by a CEL
 * expression over `key`; with `visible`, only the keys the caller may read on both sides (by each side's content type).
 *
 * @example await diffRefs(store, parseRefPath('main', 'main'), parseRefPath('dev', 'main'), {})
 */
export async function diffRefs(
  store: VersionStore,
  fromRef: RefPath,
  toRef: RefPath,
  q: KeyQuery & { visible?: { from?: NamespaceVisibility; to?: NamespaceVisibility } },
): Promise<{ from: ResolvedRef; to: ResolvedRef; page: Page<DiffEntry> }> {
  assertOneRange(q);
  const from = await resolveRefPath(store, fromRef);
  const to = await resolveRefPath(store, toRef);
  const wanted = q.keys?.length ? new Set(q.keys.map(keyId)) : null;
  const v = q.visible?.from || q.visible?.to ? q.visible : undefined;
  const matches = q.filter ? await diffFilter(q.filter) : undefined;
  const shown = (d: DiffEntry) =>
    !v || [d.from, d.to].every((c) => !c || (keyVisible(v.from, d.key, c.type) && keyVisible(v.to, d.key, c.type)));
  const keep =
    wanted || v || matches
      ? (d: DiffEntry) => (!wanted || wanted.has(keyId(d.key))) && shown(d) && (!matches || matches(d))
      : undefined;
  const page = await keyPage(
    q,
    (p) => store.diff(from.hash, to.hash, { ...p, prefix: q.prefix, minKey: q.minKey, maxKey: q.maxKey }),
    keep,
  );
  return { from, to, page };
}

/**
 * One key's content at `{ref}`; a missing key, or one `visible` hides, is NoSuchContentError.
 *
 * @example await getContent(store, parseRefPath('main', 'main'), { elements: ['shop', 'orders'] })
 */
export async function getContent(
  store: VersionStore,
  ref: RefPath,
  key: ContentKey,
  visible?: NamespaceVisibility,
): Promise<{ at: ResolvedRef; content: Content }> {
  const at = await resolveRefPath(store, ref);
  const content = await store.getContent(at.hash, key);
  if (!content || !keyVisible(visible, key, content.type))
    throw new NoSuchContentError(formatContentKey(key), describeRef(ref));
  return { at, content };
}

/**
 * The contents of the keys that exist at `{ref}`, in the order asked; missing keys are left out (as in Nessie), and so
 * are the ones `visible` hides.
 */
export async function getContents(
  store: VersionStore,
  ref: RefPath,
  keys: ContentKey[],
  visible?: NamespaceVisibility,
): Promise<{ at: ResolvedRef; contents: Array<{ key: ContentKey; content: Content }> }> {
  const at = await resolveRefPath(store, ref);
  const found = await store.getContents(at.hash, keys);
  return {
    at,
    contents: keys.flatMap((key) => {
      const content = found.get(keyId(key));
      return content && keyVisible(visible, key, content.type) ? [{ key, content }] : [];
    }),
  };
}

function describeRef(ref: RefPath): string {
  const rel = ref.relatives.map((r) => (r.kind === '*' ? `*${r.text}` : `${r.kind}${r.n}`)).join('');
  return `${ref.name ?? ''}${ref.hash ? `@${ref.hash}` : ''}${rel}`;
}
