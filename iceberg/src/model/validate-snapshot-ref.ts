import type { SnapshotRef } from './parts.ts';
import { InvalidUpdateError } from '../errors/index.ts';

/**
 * Every reason a snapshot ref's retention settings are invalid (empty when they are valid). Snapshot expiry reads
 * them: a tag keeps exactly its one snapshot, so only branches take `min-snapshots-to-keep` and
 * `max-snapshot-age-ms`, and every setting is a positive count or age. Java's `SnapshotRef.Builder` refuses the same
 * settings, so a Java client could not read a ref that breaks them.
 *
 * @example snapshotRefProblems('v1', { type: 'tag', 'snapshot-id': 1n, 'min-snapshots-to-keep': 2 })
 * // ['ref "v1": tags do not support setting min-snapshots-to-keep']
 */
export function snapshotRefProblems(name: string, ref: SnapshotRef): string[] {
  const problems: string[] = [];
  const where = `ref ${JSON.stringify(name)}`;
  for (const field of ['min-snapshots-to-keep', 'max-snapshot-age-ms'] as const) {
    const value = ref[field];
    if (value === null || value === undefined) continue;
    if (ref.type === 'tag') problems.push(`${where}: tags do not support setting ${field}`);
    else if (value <= 0) problems.push(`${where}: ${field} must be greater than 0, got ${value}`);
  }
  const maxRefAge = ref['max-ref-age-ms'];
  if (maxRefAge !== null && maxRefAge !== undefined && maxRefAge <= 0)
    problems.push(`${where}: max-ref-age-ms must be greater than 0, got ${maxRefAge}`);
  return problems;
}

/** Throws `InvalidUpdateError` listing every problem of the ref's retention settings. */
export function assertValidSnapshotRef(name: string, ref: SnapshotRef): void {
  const problems = snapshotRefProblems(name, ref);
  if (problems.length > 0)
    throw new InvalidUpdateError(`Invalid snapshot ref: ${problems.join('; ')}`, { ref: name, problems });
}
