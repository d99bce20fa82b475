import type { Snapshot } from '../model/parts.ts';
import type { TableMetadata } from '../model/table-metadata.ts';
import type { LineageLists } from './lineage-files.ts';
import { historySince } from './lineage.ts';
import { DERIVED_FROM_PROPERTY, namedFiles } from './shared-ingests.ts';

/**
 * Snapshot summary property in which a model's write names the snapshot of each input table it read: a JSON object
 * from table name to snapshot id (a decimal string: ids may exceed 2^53), `null` for an input without a snapshot. The
 * model's next write follows each input's history from there to find the landing files it gained in between.
 */
export const INPUT_SNAPSHOTS_PROPERTY = 'rat.input-snapshots';

/**
 * Above this many landing files a write does not name them and counts as unknown: a merge replays it as any append.
 * A list this long sits in a side file (about 10 MB), not in the summary, so the bound is on memory only: the write
 * holds the set while it builds it, and a merge holds both sides' sets while it judges the table (tens of MB).
 */
export const MAX_DERIVED_FILES = 100_000;

/**
 * The input snapshots a model's write read (see {@link INPUT_SNAPSHOTS_PROPERTY}); empty when it names none.
 *
 * @example inputSnapshots({ summary: { 'rat.input-snapshots': '{"bronze.orders":"42"}' } }) // → Map { 'bronze.orders' => 42n }
 */
export function inputSnapshots(snapshot: Pick<Snapshot, 'summary'> | undefined): Map<string, bigint | null> {
  const out = new Map<string, bigint | null>();
  const raw = snapshot?.summary[INPUT_SNAPSHOTS_PROPERTY];
  if (!raw) return out;
  try {
    const v: unknown = JSON.parse(raw);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return out;
    for (const [table, id] of Object.entries(v)) {
      if (id === null) out.set(table, null);
      else if (typeof id === 'string' && /^-?\d+$/.test(id)) out.set(table, BigInt(id));
    }
  } catch {
    // malformed: no inputs known
  }
  return out;
}

/** The landing files whose rows a snapshot added: an ingest's, or a model's derived ones; undefined when unknown. */
function filesAdded(s: Snapshot, lists: LineageLists | undefined): string[] | undefined {
  const own = namedFiles(s, lists);
  if (own) return own;
  // A snapshot that added no rows (a delete) brings no landing file, and neither does a compaction (`replace`): the
  // rows it writes are rows the table had.
  return s.summary['added-records'] === '0' || s.summary.operation === 'replace' ? [] : undefined;
}

/**
 * The input snapshots whose landing files {@link derivedLineage} reads, per input table's location: each input's
 * history since the snapshot the model's previous write read. Their lists kept in side files are loaded from these
 * (see `lineageFilesOf`) before `derivedLineage` decides, which stays pure.
 *
 * @example lineageToRead(silverCurrentSnapshot, inputs) // → [['file:///wh/bronze/orders', [s4, s5]]]
 */
export function lineageToRead(
  previous: Pick<Snapshot, 'summary'> | undefined,
  inputs: Map<string, TableMetadata>,
): Array<[string, Snapshot[]]> {
  const before = inputSnapshots(previous);
  const out: Array<[string, Snapshot[]]> = [];
  for (const [table, md] of inputs) {
    if (!before.has(table)) continue;
    const since = historySince(md, before.get(table)!);
    if (since.kind === 'found') out.push([md.location, since.snapshots]);
  }
  return out;
}

/**
 * The lineage properties a model's write carries (see {@link INPUT_SNAPSHOTS_PROPERTY} and
 * {@link DERIVED_FROM_PROPERTY}): the snapshot of each input it reads, and the landing files those inputs gained
 * since the snapshots the model's previous write (`previous`, the table's current snapshot) read. The files are left
 * out — unknown — when the model had no previous write that named its inputs, when an input's history does not lead
 * back to the snapshot named (replaced, rolled back, expired), when a snapshot on the way does not say which files
 * it added (written by another client) or keeps its list in a side file absent from `lists` (see
 * {@link lineageToRead}), or when there are more than {@link MAX_DERIVED_FILES}. The list is returned inline; the
 * writer moves a long one to a side file.
 *
 * @example derivedLineage(silverCurrentSnapshot, new Map([['bronze.orders', bronzeMetadata]]), lists)
 */
export function derivedLineage(
  previous: Pick<Snapshot, 'summary'> | undefined,
  inputs: Map<string, TableMetadata>,
  lists?: LineageLists,
): Record<string, string> {
  const read: Record<string, string | null> = {};
  for (const [table, md] of inputs) read[table] = md['current-snapshot-id']?.toString() ?? null;
  const out = { [INPUT_SNAPSHOTS_PROPERTY]: JSON.stringify(read) };
  const before = inputSnapshots(previous);
  const files = new Set<string>();
  for (const [table, md] of inputs) {
    if (!before.has(table)) return out;
    const since = historySince(md, before.get(table)!);
    if (since.kind !== 'found') return out;
    for (const s of since.snapshots) {
      const added = filesAdded(s, lists);
      if (!added) return out;
      for (const f of added) files.add(f);
      // Checked per snapshot, so the set never holds much more than the bound.
      if (files.size > MAX_DERIVED_FILES) return out;
    }
  }
  return { ...out, [DERIVED_FROM_PROPERTY]: JSON.stringify([...files].sort()) };
}
