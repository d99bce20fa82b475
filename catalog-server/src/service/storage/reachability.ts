import type { AppContext } from '../../app-context.ts';
import type { Content, ContentKey, Reference } from '../../store/types.ts';
import { TableFileReader, type SnapshotScope, type UnreadableFile } from './table-files.ts';
import { locationKey, parsedLocationKey, tryParseLocation } from '../../warehouse/location.ts';
import type { ReleasedTableRecord } from '../../store/companions.ts';

type Ctx = Pick<AppContext, 'store' | 'locations'> & Partial<Pick<AppContext, 'releasedTables'>>;

/** Released tables read per round trip. */
const RELEASED_PAGE = 1_000;

/** Commits the history walk reads per round trip (their links, then the younger ones' operations). */
const COMMIT_PAGE = 500;

export interface Reachable {
  /**
   * Every file a kept table, view or function version or a released table's last metadata references, by
   * {@link locationKey}.
   */
  files: Set<string>;
  /**
   * The folders of tables released to other catalogs (unregistered), by {@link locationKey}: nothing under them is the
   * catalog's to delete.
   */
  released: Set<string>;
  /** The references as they were when marking started: a sweep re-marks if any moved meanwhile. */
  refs: Reference[];
  /** How many distinct table, view and function metadata files were kept. */
  metadataFiles: number;
  /** How many catalog commits were kept by the retention. */
  commits: number;
  /** Content pointing at metadata outside the catalog's storage: not read, so not followed. */
  foreign: string[];
  /**
   * Files kept table versions name that could not be read or decoded (see TableFileReader): kept, not followed, and
   * reported with the table (a key it had in a kept state) whose metadata names them.
   */
  unreadable: Array<UnreadableFile & { table: string }>;
}

/**
 * Marks what the catalog still needs: every file reachable from the content of every branch and tag head and of every
 * commit younger than the retention (all commits when `keepHistoryMs` is undefined), following all parents of merge
 * commits, and from the last metadata of every table released to another catalog. Deletion is decided against this
 * set (see {@link isKept}), never by path prefix; the one prefix rule only keeps more: the released tables' folders.
 *
 * @example const { files } = await markReachable(ctx, { keepHistoryMs: 7 * 86_400_000, now: Date.now() })
 */
export async function markReachable(
  ctx: Ctx,
  opts: { keepHistoryMs?: number; now: number; reader?: TableFileReader; snapshots?: SnapshotScope },
): Promise<Reachable> {
  const reader = opts.reader ?? new TableFileReader(ctx);
  const refs = await ctx.store.listReferences();
  const cutoff = opts.keepHistoryMs === undefined ? -Infinity : opts.now - opts.keepHistoryMs;
  // Table metadata location → a key it was seen under, only to name the table in reports.
  const tables = new Map<string, ContentKey>();
  // View and function metadata files: kept as they are (nothing else of theirs lies in the catalog's storage).
  const others = new Set<string>();
  const collect = (key: ContentKey, c: Content) => {
    if (c.type === 'ICEBERG_TABLE') {
      if (!tables.has(c.metadataLocation)) tables.set(c.metadataLocation, key);
    } else if (c.type === 'ICEBERG_VIEW' || c.type === 'UDF') others.add(c.metadataLocation);
  };
  const released = await releasedTables(ctx);
  for (const r of released) if (!tables.has(r.metadataLocation)) tables.set(r.metadataLocation, { elements: r.table });
  const seen = new Set<string>();
  let commits = 0;
  const stack: string[] = [];
  for (const r of refs) {
    // A head's whole tree is kept whatever its age; younger history adds what its commits wrote.
    for (const e of await treeContents(ctx, r.hash)) collect(e.key, e.content);
    stack.push(r.hash);
  }
  // The walk reads links only (a commit not in memory comes with a page of its ancestors), noting each commit it
  // visits; the operations of the younger ones are then read a page per query. Both keep the walk's order, so the
  // same key names a table in the reports as when each commit was read on its own.
  const visits: Array<{ hash: string; kept: boolean }> = [];
  while (stack.length > 0) {
    const hash = stack.pop()!;
    if (seen.has(hash) || hash === ctx.store.noAncestorHash) continue;
    seen.add(hash);
    const links = await ctx.store.commitLinks(hash, { floor: -1, wanted: COMMIT_PAGE });
    // The newest commit at or before the cutoff is the state a time-travel read at the cutoff sees: keep its tree.
    const atCutoff = Date.parse(links.commitTime) <= cutoff;
    visits.push({ hash, kept: atCutoff });
    if (!atCutoff) stack.push(...links.parentHashes);
  }
  for (let i = 0; i < visits.length; i += COMMIT_PAGE) {
    const page = visits.slice(i, i + COMMIT_PAGE);
    const young = page.filter((v) => !v.kept).map((v) => v.hash);
    const read = await ctx.store.getCommits(young, { withOperations: true });
    const operations = new Map(read.map((c) => [c.hash, c.operations]));
    for (const v of page) {
      if (v.kept) {
        for (const e of await treeContents(ctx, v.hash)) collect(e.key, e.content);
        continue;
      }
      commits++;
      for (const op of operations.get(v.hash)!) if (op.type === 'PUT') collect(op.key, op.content);
    }
  }
  const files = new Set<string>();
  // A released table's every snapshot stays readable for its new owner, whichever snapshots the run keeps of others.
  const releasedRoots = new Set(released.map((r) => r.metadataLocation));
  for (const location of tables.keys()) {
    const snapshots = releasedRoots.has(location) ? 'all' : opts.snapshots;
    for (const f of await reader.filesOf(location, { snapshots })) files.add(locationKey(f));
  }
  for (const location of others) files.add(locationKey(location));
  const unreadable = [...reader.unreadable.values()].map((u) => ({
    table: tables.get(u.metadata)?.elements.join('.') ?? '',
    ...u,
  }));
  return {
    files,
    released: new Set(released.flatMap((r) => r.prefixes.map(locationKey))),
    refs,
    metadataFiles: tables.size + others.size,
    commits,
    foreign: [...reader.foreign],
    unreadable,
  };
}

/** True when the mark keeps the file at `location`: a kept version reaches it, or it lies in a released table's folder. */
export function isKept(mark: Pick<Reachable, 'files' | 'released'>, location: string): boolean {
  return keptBy(mark, location) !== undefined;
}

/**
 * Why the mark keeps the file at `location`: a kept version (or a released table's metadata) reaches it, or it lies in
 * a released table's folder; undefined when nothing keeps it. The location is parsed once for both.
 */
export function keptBy(
  mark: Pick<Reachable, 'files' | 'released'>,
  location: string,
): 'reached' | 'released' | undefined {
  const at = tryParseLocation(location);
  if (mark.files.has(at ? parsedLocationKey(at) : location)) return 'reached';
  if (!at || mark.released.size === 0) return undefined;
  // Each folder above the file: a look-up per level, however many tables were released.
  for (let depth = 1; depth < at.segments.length; depth++) {
    if (mark.released.has(parsedLocationKey(at, depth))) return 'released';
  }
  return undefined;
}

async function releasedTables(ctx: Ctx): Promise<ReleasedTableRecord[]> {
  const out: ReleasedTableRecord[] = [];
  if (!ctx.releasedTables) return out;
  for (let after: string | undefined; ;) {
    const page = await ctx.releasedTables.list(after, RELEASED_PAGE);
    out.push(...page);
    if (page.length < RELEASED_PAGE) return out;
    after = page[page.length - 1]!.metadataLocation;
  }
}

async function treeContents(ctx: Ctx, hash: string): Promise<Array<{ key: ContentKey; content: Content }>> {
  const out: Array<{ key: ContentKey; content: Content }> = [];
  let token: string | undefined;
  do {
    const page = await ctx.store.listEntries(hash, {
      types: ['ICEBERG_TABLE', 'ICEBERG_VIEW', 'UDF'],
      pageToken: token,
      withContent: true,
    });
    for (const e of page.items) if (e.content) out.push({ key: e.key, content: e.content });
    token = page.token;
  } while (token);
  return out;
}

/** True when every reference still points where it did when `before` was read. */
export async function refsUnchanged(ctx: Pick<AppContext, 'store'>, before: Reference[]): Promise<boolean> {
  const now = await ctx.store.listReferences();
  if (now.length !== before.length) return false;
  const at = new Map(before.map((r) => [`${r.type}:${r.name}`, r.hash]));
  return now.every((r) => at.get(`${r.type}:${r.name}`) === r.hash);
}

/**
 * Marks until no reference moved while marking (at most a few rounds), so a commit that landed meanwhile is part of
 * the mark before anything is deleted.
 */
export async function markStable(
  ctx: Ctx,
  opts: { keepHistoryMs?: number; now: number; reader?: TableFileReader; snapshots?: SnapshotScope },
): Promise<Reachable> {
  const reader = opts.reader ?? new TableFileReader(ctx);
  let mark = await markReachable(ctx, { ...opts, reader });
  for (let round = 0; round < 5 && !(await refsUnchanged(ctx, mark.refs)); round++) {
    mark = await markReachable(ctx, { ...opts, reader });
  }
  return mark;
}
