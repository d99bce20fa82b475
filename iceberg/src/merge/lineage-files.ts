import { createHash } from 'node:crypto';
import type { Snapshot } from '../model/parts.ts';

/**
 * Lineage lists (`rat.ingest-files`, `rat.derived-from`) out of line. A snapshot summary is copied into every later
 * metadata file of the table until the snapshot expires, so a list of 10,000 landing files (about 1 MB) would weigh on
 * every commit and every loadTable answer of that table. A list longer than {@link LINEAGE_INLINE_MAX_BYTES} is
 * therefore written once to an immutable side file inside the table's own folder
 * (`<table location>/metadata/rat-lineage-<uuid>.json`, holding exactly the JSON array the property would have
 * held), and the property holds a reference instead: `{"location": …, "count": N, "sha256": <hex of the file's
 * bytes>}`. A reader tells the two forms apart by the JSON type (array inline, object by reference); a reader that
 * predates references sees no array and treats the lineage as unknown, which is the safe reading.
 */

/**
 * Above this many bytes (the JSON array's UTF-8 length) a lineage list goes to a side file. A reference costs about
 * 250 bytes; below 4 KB (about 40 landing files of ~100 bytes each, which covers the usual incremental run) keeping
 * the list inline costs every later metadata file at most ~4 KB per kept snapshot, and spares an extra object to
 * write, to read at each merge and to collect. Above it, the metadata grows by the reference only, whatever the
 * list's length.
 */
export const LINEAGE_INLINE_MAX_BYTES = 4096;

/**
 * The largest side file a reader loads (bytes): about a million landing files. A larger one counts as unknown
 * lineage (the merge then replays the snapshot as any append) rather than holding an unbounded buffer in memory.
 */
export const LINEAGE_FILE_MAX_BYTES = 128 * 1024 * 1024;

/** Where a lineage list lives when it is out of line, with what a reader needs to verify it. */
export interface LineageReference {
  location: string;
  /** Number of entries in the list. */
  count: number;
  /** SHA-256 (lowercase hex) of the side file's bytes. */
  sha256: string;
}

/**
 * Side files of lineage lists as loaded (see {@link loadLineageLists}), by {@link lineageKey} of their reference;
 * absent or undefined = unknown.
 */
export type LineageLists = ReadonlyMap<string, string[] | undefined>;

/** The key of a reference in {@link LineageLists}: location and hash, so two references differing in either never share a list. */
export function lineageKey(reference: LineageReference): string {
  return `${reference.sha256} ${reference.location}`;
}

const SIDE_FILE = /^rat-lineage-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.json$/;

/**
 * The location of a new side file of a table (`uuid` from `randomUUID()`).
 *
 * @example lineageFileLocation('s3://lake/wh/bronze/orders', uuid) // → 's3://lake/wh/bronze/orders/metadata/rat-lineage-<uuid>.json'
 */
export function lineageFileLocation(tableLocation: string, uuid: string): string {
  return `${tableLocation.replace(/\/+$/, '')}/metadata/rat-lineage-${uuid}.json`;
}

/**
 * Whether `location` is a side file of the table at `tableLocation`: exactly `<table>/metadata/rat-lineage-<uuid>.json`.
 * Readers and GC only follow references of that shape, so a summary cannot make the catalog read (or a purge delete)
 * any other file: the name's fixed alphabet leaves no room for `..`, another folder or an escaped character.
 *
 * @example isLineageFileOf('file:///wh/t', 'file:///wh/t/metadata/rat-lineage-<uuid>.json') // → true
 */
export function isLineageFileOf(tableLocation: string, location: string): boolean {
  const dir = `${tableLocation.replace(/\/+$/, '')}/metadata/`;
  return location.startsWith(dir) && SIDE_FILE.test(location.slice(dir.length));
}

/**
 * The reference a lineage property holds, or undefined when it holds a list inline, nothing, or something malformed.
 *
 * @example lineageReference('{"location":"file:///wh/t/metadata/rat-lineage-….json","count":3,"sha256":"ab…"}')
 */
export function lineageReference(raw: string | undefined): LineageReference | undefined {
  if (raw === undefined || !raw.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const { location, count, sha256 } = v;
    if (typeof location !== 'string' || typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) return undefined;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) return undefined;
    return { location, count, sha256 };
  } catch {
    return undefined;
  }
}

/**
 * The bytes of a side file holding `files`, and its reference at `location`.
 *
 * @example encodeLineageFile(['bronze.orders ab12 landing/a.csv'], location).reference.count // → 1
 */
export function encodeLineageFile(files: string[], location: string): { bytes: Buffer; reference: LineageReference } {
  const bytes = Buffer.from(JSON.stringify(files), 'utf8');
  return { bytes, reference: { location, count: files.length, sha256: sha256Hex(bytes) } };
}

/**
 * The list a side file holds, when its bytes are the ones the reference names (hash and count) and a JSON array of
 * strings; undefined otherwise (a torn, replaced or foreign file: the lineage is unknown).
 *
 * @example decodeLineageFile(reference, bytes) // → ['bronze.orders ab12 landing/a.csv', …]
 */
export function decodeLineageFile(reference: LineageReference, bytes: Buffer): string[] | undefined {
  if (bytes.length > LINEAGE_FILE_MAX_BYTES || sha256Hex(bytes) !== reference.sha256) return undefined;
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    if (!Array.isArray(v) || v.length !== reference.count || !v.every((x) => typeof x === 'string')) return undefined;
    return v as string[];
  } catch {
    return undefined;
  }
}

/**
 * The lineage properties of a write as they are committed: each list whose JSON is longer than
 * {@link LINEAGE_INLINE_MAX_BYTES} replaced by a reference to a new side file (returned, for the writer to create
 * before it commits); short lists and every other property unchanged.
 *
 * @example outOfLineLineage(props, ['rat.ingest-files'], () => lineageFileLocation(md.location, randomUUID()))
 */
export function outOfLineLineage(
  properties: Record<string, string>,
  keys: readonly string[],
  newLocation: () => string,
): { properties: Record<string, string>; files: Array<{ location: string; bytes: Buffer }> } {
  const out = { ...properties };
  const files: Array<{ location: string; bytes: Buffer }> = [];
  for (const key of keys) {
    const raw = out[key];
    if (raw === undefined || Buffer.byteLength(raw, 'utf8') <= LINEAGE_INLINE_MAX_BYTES) continue;
    let list: unknown;
    try {
      list = JSON.parse(raw);
    } catch {
      continue;
    }
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) continue;
    const { bytes, reference } = encodeLineageFile(list, newLocation());
    files.push({ location: reference.location, bytes });
    out[key] = JSON.stringify(reference);
  }
  return { properties: out, files };
}

/**
 * The side files a snapshot's lineage properties reference (`keys`), of those lying in its table's folder (see
 * {@link isLineageFileOf}); references elsewhere are ignored (never read, never kept, never deleted through it).
 *
 * @example lineageFilesOf(snapshot, md.location, ['rat.ingest-files', 'rat.derived-from']) // → ['…/rat-lineage-….json']
 */
export function lineageFilesOf(
  snapshot: Pick<Snapshot, 'summary'>,
  tableLocation: string,
  keys: readonly string[],
): LineageReference[] {
  const out: LineageReference[] = [];
  for (const key of keys) {
    const ref = lineageReference(snapshot.summary?.[key]);
    if (ref && isLineageFileOf(tableLocation, ref.location)) out.push(ref);
  }
  return out;
}

/**
 * Loads and verifies side files through an injected reader, at most `concurrency` at a time, so the decisions that
 * use them stay pure. A file that cannot be read (gone, storage failure) or does not verify maps to undefined:
 * unknown lineage, never an error.
 *
 * @example const lists = await loadLineageLists(refs, (loc) => io.read(loc))
 */
export async function loadLineageLists(
  references: LineageReference[],
  read: (location: string) => Promise<Buffer>,
  concurrency = 8,
): Promise<Map<string, string[] | undefined>> {
  const out = new Map<string, string[] | undefined>();
  const todo = [...new Map(references.map((r) => [lineageKey(r), r])).values()];
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const ref = todo[next++]!;
      // A reader that throws at once (a location its storage refuses) counts as one that failed: unknown lineage.
      const bytes = await Promise.resolve()
        .then(() => read(ref.location))
        .catch(() => undefined);
      out.set(lineageKey(ref), bytes && decodeLineageFile(ref, bytes));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  return out;
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
