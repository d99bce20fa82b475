/**
 * Read operations of the management API at a `{ref}`: commit log, entries, diff and contents. Each resolves the
 * `{ref}` (hash, relative lookups) and answers store objects together with the commit actually read (Nessie's
 * `effectiveReference`).
 */
import { NoSuchContentError } from '../../errors/index.ts';
import { keyId } from '../../store/types.ts';
import type {
  Commit,
  CommitWithOperations,
  Content,
  ContentKey,
  DiffEntry,
  EntrySummary,
  Page,
  PageRequest,
  ResolvedRef,
  VersionStore,
} from '../../store/types.ts';
import { keyNamespaces } from '../../auth/namespace-scope.ts';
import { formatContentKey } from './content-key.ts';
import { resolveRefPath, type RefPath } from './ref-path.ts';

export interface LogQuery extends PageRequest {
  /** Stop at (and include) the commit whose hash starts with this. */
  limitHash?: string;
  /** Include each commit's operations (Nessie's `fetch=ALL`). */
  withOperations?: boolean;
}

/**
 * The commits reachable from `{ref}` on the first-parent line, newest first, without the root commit (Nessie's "no
 * ancestor" hash, which no one made).
 *
 * @example await commitLog(store, parseRefPath('main', 'main'), { maxRecords: 20 })
 */
export async function commitLog(
  store: VersionStore,
  ref: RefPath,
  q: LogQuery,
): Promise<Page<Commit | CommitWithOperations>> {
  const at = await resolveRefPath(store, ref);
  const page = await store.log(at.hash, { maxRecords: q.maxRecords, pageToken: q.pageToken });
  let items = page.items.filter((c) => c.parentHashes.length > 0);
  let token = page.token;
  const limit = q.limitHash?.toLowerCase();
  if (limit) {
    const i = items.findIndex((c) => c.hash.startsWith(limit));
    if (i >= 0) [items, token] = [items.slice(0, i + 1), undefined];
  }
  if (items.length < page.items.length) token = undefined;
  const commits = q.withOperations ? await Promise.all(items.map((c) => store.getCommit(c.hash))) : items;
  return { items: commits, token };
}

export interface KeyQuery extends PageRequest {
  /** Only keys under this prefix (whole elements). */
  prefix?: string[];
  /** Only these keys (none: all). */
  keys?: ContentKey[];
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
 * The entries (keys with their type and content id) at `{ref}`, optionally filtered by a CEL expression and with
 * each entry's content.
 *
 * @example await listEntries(store, parseRefPath('main', 'main'), { filter: "entry.contentType == 'ICEBERG_TABLE'" })
 */
export async function listEntries(
  store: VersionStore,
  ref: RefPath,
  q: KeyQuery & { filter?: string; withContent?: boolean; visible?: NamespaceVisibility },
): Promise<{ at: ResolvedRef; page: Page<{ entry: EntrySummary; content: Content | null }> }> {
  const at = await resolveRefPath(store, ref);
  const page = await store.listEntries(at.hash, {
    maxRecords: q.maxRecords,
    pageToken: q.pageToken,
    prefix: q.prefix,
    withContent: q.withContent,
  });
  const wanted = q.keys?.length ? new Set(q.keys.map(keyId)) : null;
  // CEL takes ~0.2 s to import: the first filtered listing loads it, not the server's start.
  const matches = q.filter ? (await import('./entry-filter.ts')).entryFilter(q.filter) : () => true;
  // Hidden keys go first: a CEL filter never sees them (its errors would name them).
  const items = page.items.filter(
    (e) => keyVisible(q.visible, e.key, e.type) && (!wanted || wanted.has(keyId(e.key))) && matches(e),
  );
  return {
    at,
    page: { items: items.map((entry) => ({ entry, content: entry.content ?? null })), token: page.token },
  };
}

/**
 * What changed between two `{ref}`s, key by key; with `visible`, only the keys the caller may read on both sides (by
 * each side's content type).
 *
 * @example await diffRefs(store, parseRefPath('main', 'main'), parseRefPath('dev', 'main'), {})
 */
export async function diffRefs(
  store: VersionStore,
  fromRef: RefPath,
  toRef: RefPath,
  q: KeyQuery & { visible?: { from?: NamespaceVisibility; to?: NamespaceVisibility } },
): Promise<{ from: ResolvedRef; to: ResolvedRef; page: Page<DiffEntry> }> {
  const from = await resolveRefPath(store, fromRef);
  const to = await resolveRefPath(store, toRef);
  const page = await store.diff(from.hash, to.hash, {
    maxRecords: q.maxRecords,
    pageToken: q.pageToken,
    prefix: q.prefix,
  });
  const wanted = q.keys?.length ? new Set(q.keys.map(keyId)) : null;
  const v = q.visible?.from || q.visible?.to ? q.visible : undefined;
  const shown = (d: DiffEntry) =>
    !v || [d.from, d.to].every((c) => !c || (keyVisible(v.from, d.key, c.type) && keyVisible(v.to, d.key, c.type)));
  if (!wanted && !v) return { from, to, page };
  return {
    from,
    to,
    page: { ...page, items: page.items.filter((d) => (!wanted || wanted.has(keyId(d.key))) && shown(d)) },
  };
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
