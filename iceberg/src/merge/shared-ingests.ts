import type { Snapshot } from '../model/parts.ts';

/**
 * Snapshot summary property in which an ingest names the landing files whose rows it appended: a JSON array of
 * opaque strings, one per file (the engine writes `<table> <content hash> <path>`). Two branches that ingested the
 * same file (same path, same content) each append its rows; replaying one append onto the other would hold them
 * twice, so a merge does not replay an append whose files the target ingested too since the merge base.
 */
export const INGEST_FILES_PROPERTY = 'rat.ingest-files';

/**
 * The landing files a snapshot declares it ingested (see {@link INGEST_FILES_PROPERTY}); empty when it declares none
 * or the value is not a JSON array of strings (nothing to compare: the snapshot replays as any other).
 *
 * @example ingestedFiles({ summary: { 'rat.ingest-files': '["bronze.orders ab12… landing/a.csv"]' } }) // → [that]
 */
export function ingestedFiles(snapshot: Pick<Snapshot, 'summary'>): string[] {
  const raw = snapshot.summary[INGEST_FILES_PROPERTY];
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : [];
  } catch {
    return [];
  }
}

/** The words naming the conflict of an append holding shared and other files, for whoever settles it by re-ingesting. */
export const SHARED_INGEST_CONFLICT = 'ingested landing files the target also ingested since the merge base';

/**
 * Whether a table's conflict message (reasons joined by `; `) gives only the shared-ingest reason: keeping the
 * target's table and re-ingesting the landing files it lacks then settles it, while any other reason still needs a
 * person to look.
 *
 * @example isSharedIngestConflict('table "bronze.orders": the source\'s snapshot 7 ingested landing files …') // → true
 */
export function isSharedIngestConflict(message: string | undefined): boolean {
  return !!message && message.split('; ').every((part) => part.includes(SHARED_INGEST_CONFLICT));
}

/** What the target's ingests since the merge base mean for the source's snapshots. */
export interface SharedIngests {
  /** Source appends whose every file the target ingested too: not replayed, the target holds those rows already. */
  skip: Set<bigint>;
  /** Source appends holding some such files and some others: neither replaying nor skipping them is right. */
  conflicts: string[];
}

const listed = (files: string[]) =>
  files
    .slice(0, 3)
    .map((f) => f.slice(f.lastIndexOf(' ') + 1))
    .join(', ') + (files.length > 3 ? `, … (${files.length} files)` : '');

/**
 * Which of the source's new snapshots ingested only landing files the target's new snapshots ingested too (skipped:
 * replaying them would append the same rows a second time), and which ingested some of those together with others
 * (a conflict: the snapshot's rows cannot be split by file). Only `append` snapshots are judged: a re-ingest of a
 * changed file (an overwrite) or an upsert that replaced rows goes through the replay's own checks.
 *
 * @example sharedIngests(sourceSince, targetSince).skip.has(id) // → true when the target ingested the same files
 */
export function sharedIngests(source: Snapshot[], target: Snapshot[]): SharedIngests {
  const held = new Set(target.flatMap(ingestedFiles));
  const out: SharedIngests = { skip: new Set(), conflicts: [] };
  if (held.size === 0) return out;
  for (const s of source) {
    const files = ingestedFiles(s);
    if (s.summary.operation !== 'append' || files.length === 0) continue;
    const shared = files.filter((f) => held.has(f));
    if (shared.length === 0) continue;
    if (shared.length === files.length) {
      out.skip.add(s['snapshot-id']);
      continue;
    }
    const others = files.filter((f) => !held.has(f));
    out.conflicts.push(
      `the source's snapshot ${s['snapshot-id']} ${SHARED_INGEST_CONFLICT} (${listed(shared)}) together with others (${listed(others)}): its rows cannot be split by file (keep one side's version of this table, then \`rat run\` ingests the files it lacks)`,
    );
  }
  return out;
}
