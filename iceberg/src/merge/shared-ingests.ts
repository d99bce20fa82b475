import type { Snapshot } from '../model/parts.ts';
import { reason, type MergeConflictReason } from './conflict-kinds.ts';
import { lineageKey, lineageReference, type LineageLists } from './lineage-files.ts';

/**
 * Snapshot summary property in which an ingest names the landing files whose rows it appended: a JSON array of
 * opaque strings, one per file (the engine writes `<table> <content hash> <path>`). Two branches that ingested the
 * same file (same path, same content) each append its rows; replaying one append onto the other would hold them
 * twice, so a merge does not replay an append whose files the target ingested too since the merge base. A long list
 * is kept in a side file and the property holds a reference to it (see `lineage-files.ts`).
 */
export const INGEST_FILES_PROPERTY = 'rat.ingest-files';

/**
 * A lineage list: inline (a JSON array of strings), or by reference to a side file, found in `lists` (loaded
 * beforehand; see `lineage-files.ts`). A reference whose file was not loaded, or did not verify, is unknown.
 */
function stringArray(raw: string | undefined, lists: LineageLists | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const ref = lineageReference(raw);
  if (ref) return lists?.get(lineageKey(ref));
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The landing files a snapshot declares it ingested (see {@link INGEST_FILES_PROPERTY}); empty when it declares none
 * or the value is not a JSON array of strings (nothing to compare: the snapshot replays as any other).
 *
 * @example ingestedFiles({ summary: { 'rat.ingest-files': '["bronze.orders ab12… landing/a.csv"]' } }) // → [that]
 */
export function ingestedFiles(snapshot: Pick<Snapshot, 'summary'>, lists?: LineageLists): string[] {
  return stringArray(snapshot.summary[INGEST_FILES_PROPERTY], lists) ?? [];
}

/**
 * Snapshot summary property in which a model's write names the landing files its inputs gained since the model's
 * previous write (the same strings an ingest names in {@link INGEST_FILES_PROPERTY}): its rows derive from those
 * files' rows. Two branches that ingested the same file each append the rows an append-only model derives from it;
 * a merge recognises the second append by these names and does not replay it. Absent means unknown (the rows'
 * origin could not be followed, see `derivedLineage`); `[]` means the inputs gained no landing file.
 */
export const DERIVED_FROM_PROPERTY = 'rat.derived-from';

/**
 * The landing files a model's snapshot says its rows derive from (see {@link DERIVED_FROM_PROPERTY}); `undefined`
 * when it does not say (unknown) or the value is malformed.
 *
 * @example derivedFrom({ summary: { 'rat.derived-from': '["bronze.orders ab12 landing/a.csv"]' } }) // → [that]
 */
export function derivedFrom(snapshot: Pick<Snapshot, 'summary'>, lists?: LineageLists): string[] | undefined {
  return stringArray(snapshot.summary[DERIVED_FROM_PROPERTY], lists);
}

/**
 * The landing files whose rows a snapshot holds, as an ingest or a model's write names them; `undefined` when it
 * names none (unknown).
 *
 * @example namedFiles(ingestSnapshot) // → ['bronze.orders ab12 landing/a.csv']
 */
export function namedFiles(snapshot: Pick<Snapshot, 'summary'>, lists?: LineageLists): string[] | undefined {
  return stringArray(snapshot.summary[INGEST_FILES_PROPERTY], lists) ?? derivedFrom(snapshot, lists);
}

/** The summary properties holding lineage lists, inline or by reference to a side file. */
export const LINEAGE_LIST_PROPERTIES = [INGEST_FILES_PROPERTY, DERIVED_FROM_PROPERTY] as const;

/** What the target's ingests since the merge base mean for the source's snapshots. */
export interface SharedIngests {
  /** Source appends whose every file the target ingested too: not replayed, the target holds those rows already. */
  skip: Set<bigint>;
  /**
   * Source appends holding some such files and some others: neither replaying nor skipping them is right. Their kind
   * says how to settle them: `shared-ingest` by re-ingesting, `shared-derived` by rebuilding the model's table.
   */
  conflicts: MergeConflictReason[];
}

const listed = (files: string[]) =>
  files
    .slice(0, 3)
    .map((f) => f.slice(f.lastIndexOf(' ') + 1))
    .join(', ') + (files.length > 3 ? `, … (${files.length} files)` : '');

/**
 * Which of the source's new snapshots hold only landing files the target's new snapshots hold too (skipped:
 * replaying them would append the same rows a second time), and which hold some of those together with others (a
 * conflict: the snapshot's rows cannot be split by file). The files are those an ingest names
 * (`rat.ingest-files`) or those a model's append derived its rows from (`rat.derived-from`): an append-only model
 * that ran on the same landing file on both sides appended the same rows twice. Only `append` snapshots are judged:
 * a re-ingest of a changed file (an overwrite) or an upsert that replaced rows goes through the replay's own checks.
 *
 * Lists kept in side files are looked up in `lists` (loaded beforehand); one missing there is unknown, as a snapshot
 * that names no files: it adds nothing the target holds, and a source snapshot so is replayed.
 *
 * @example sharedIngests(sourceSince, targetSince).skip.has(id) // → true when the target ingested the same files
 */
export function sharedIngests(source: Snapshot[], target: Snapshot[], lists?: LineageLists): SharedIngests {
  const held = new Set(target.flatMap((s) => namedFiles(s, lists) ?? []));
  const out: SharedIngests = { skip: new Set(), conflicts: [] };
  if (held.size === 0) return out;
  for (const s of source) {
    const files = namedFiles(s, lists) ?? [];
    if (s.summary.operation !== 'append' || files.length === 0) continue;
    const shared = files.filter((f) => held.has(f));
    if (shared.length === 0) continue;
    if (shared.length === files.length) {
      out.skip.add(s['snapshot-id']);
      continue;
    }
    const others = files.filter((f) => !held.has(f));
    const id = s['snapshot-id'];
    out.conflicts.push(
      s.summary[INGEST_FILES_PROPERTY] !== undefined
        ? reason(
            'shared-ingest',
            `the source's snapshot ${id} ingested landing files the target also ingested since the merge base (${listed(shared)}) together with others (${listed(others)}): its rows cannot be split by file (keep one side's version of this table, then \`rat run\` ingests the files it lacks)`,
          )
        : reason(
            'shared-derived',
            `the source's snapshot ${id} derived rows from landing files the target also derived rows from since the merge base (${listed(shared)}) together with others (${listed(others)}): its rows cannot be split by file (rebuild the table with the merged code: a merge with rebuild does, git merge with the hooks or \`rat sync\`)`,
          ),
    );
  }
  return out;
}
