import { randomBytes } from 'node:crypto';
import type { DataReference, MergeSource } from './catalog/data-catalog.ts';
import { PROPS, type GitSyncIO } from './types.ts';

/** Prefix of the temporary branches merges with rebuild work on. */
export const MERGE_BRANCH_PREFIX = 'rat-merge-';

export type RebuildMergeResult =
  | { kind: 'merged'; hash: string; rebuilt: string[] }
  /** Some conflicting tables are not derived (source data, tables no model produces): a real conflict. */
  | { kind: 'blocked'; blocking: string[] }
  | { kind: 'rebuild-failed'; model: string; message: string; keptBranch?: string }
  /** The target moved while rebuilding: the caller re-reads it and tries again. */
  | { kind: 'target-moved' };

/**
 * Merges `source` into `target` when the only conflicts are derived tables (and append-only engine tables): forks a
 * temporary branch from the target head, merges the source into it keeping the target's version of the conflicting
 * tables, lets `io.rebuild` append the source's run records / registry rows and run the affected models and
 * everything downstream with the merged code (data tests included), then merges the temporary branch into the target
 * guarded by the head seen at the start — one commit, all at once for readers. A failure leaves the target as it was.
 * The temporary branch is deleted either way (a failed run's own branch is kept for inspection).
 *
 * @example await mergeWithRebuild(io, { source: srcRef, target: tgtRef, conflicts: [['gold', 'daily_revenue']], message, properties })
 */
export async function mergeWithRebuild(
  io: GitSyncIO,
  m: {
    source: MergeSource;
    target: DataReference;
    conflicts: string[][];
    /** Conflicting tables a source can settle by re-ingesting (see `DerivedRebuild.classify`). */
    reingest?: string[];
    message: string;
    properties: Record<string, string>;
    codeCommit?: string;
  },
): Promise<RebuildMergeResult> {
  const rebuild = io.rebuild!;
  const names = m.conflicts.map((k) => k.join('.'));
  const { derived, appendOnly, other } = await rebuild.classify(names, m.reingest);
  if (other.length > 0) return { kind: 'blocked', blocking: other };
  const temp = `${MERGE_BRANCH_PREFIX}${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  await io.catalog.createReference(temp, 'BRANCH', m.target);
  try {
    const keep = m.conflicts.map((key) => ({ key, mergeBehavior: 'DROP' as const }));
    const base = await io.catalog.merge(temp, {
      fromRefName: m.source.name,
      fromHash: m.source.hash,
      expectedHash: m.target.hash,
      message: `${m.message}: source changes (conflicting tables at ${m.target.name}'s version, rebuilt next)`,
      keyMergeModes: keep,
    });
    if (!base.wasSuccessful) return { kind: 'blocked', blocking: base.conflicts.map((c) => c.key.join('.')) };
    io.report.info(
      `rebuilding ${derived.length ? derived.join(', ') : 'nothing'} (and downstream) with the merged code on ${temp}`,
    );
    const r = await rebuild.run({
      branch: temp,
      source: m.source,
      derived,
      appendOnly,
      codeCommit: m.codeCommit,
    });
    if (!r.ok) return { kind: 'rebuild-failed', model: r.model, message: r.message, keptBranch: r.keptBranch };
    const built = await io.catalog.getReference(temp);
    if (!built) return { kind: 'target-moved' };
    const done = await io.catalog.merge(m.target.name, {
      fromRefName: temp,
      fromHash: built.hash,
      expectedHash: m.target.hash,
      message: m.message,
      properties: { ...m.properties, [PROPS.rebuilt]: r.rebuilt.join(',') },
    });
    if (!done.wasSuccessful || !done.wasApplied) return { kind: 'target-moved' };
    return { kind: 'merged', hash: done.resultantTargetHash, rebuilt: r.rebuilt };
  } finally {
    const head = await io.catalog.getReference(temp).catch(() => undefined);
    if (head) await io.catalog.deleteReference(head).catch(() => undefined);
  }
}
