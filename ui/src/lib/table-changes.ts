import {
  currentSchema,
  currentSnapshotId,
  typeText,
  type NestedField,
  type SnapshotView,
  type TableMetadataView,
} from './table-metadata.ts';

/** Totals over snapshot summaries (Iceberg's standard summary fields), as exact decimal strings' numeric values. */
export interface ChangeTotals {
  snapshots: number;
  addedRecords: number;
  deletedRecords: number;
  addedDataFiles: number;
  deletedDataFiles: number;
  addedDeleteFiles: number;
  addedBytes: number;
  removedBytes: number;
}

const id = (v: number | string | null | undefined) => (v === null || v === undefined ? '' : String(v));

/**
 * The snapshots `after` has and `before` did not (the table's changes between two catalog commits), oldest first.
 * Without `before` (a new table) every snapshot counts.
 *
 * @example snapshotsAdded(mdAtParent, mdAtCommit).map((s) => s.summary.operation) // ['append']
 */
export function snapshotsAdded(before: TableMetadataView | undefined, after: TableMetadataView): SnapshotView[] {
  const known = new Set((before?.snapshots ?? []).map((s) => id(s['snapshot-id'])));
  return (after.snapshots ?? [])
    .filter((s) => !known.has(id(s['snapshot-id'])))
    .sort(
      (a, b) =>
        Number(a['sequence-number'] ?? 0) - Number(b['sequence-number'] ?? 0) ||
        Number(a['timestamp-ms']) - Number(b['timestamp-ms']),
    );
}

/**
 * The snapshots `before` had and `after` lost, oldest first, and why: `rolled-back` when the table's current snapshot
 * went back to one of `before`'s (a revert, `rollback_to_snapshot`), `expired` when it stayed and older ones went
 * (`expire_snapshots`); undefined when none was lost.
 *
 * @example snapshotsLost(mdAtCommit, mdAfterRevert)?.kind // 'rolled-back'
 */
export function snapshotsLost(
  before: TableMetadataView | undefined,
  after: TableMetadataView,
): { kind: 'rolled-back' | 'expired'; snapshots: SnapshotView[] } | undefined {
  if (!before) return undefined;
  const lost = snapshotsAdded(after, before);
  if (lost.length === 0) return undefined;
  const [was, now] = [currentSnapshotId(before), currentSnapshotId(after)];
  const wentBack =
    was !== now && (now === undefined || (before.snapshots ?? []).some((s) => id(s['snapshot-id']) === now));
  return { kind: wentBack ? 'rolled-back' : 'expired', snapshots: lost };
}

/** Sums the standard summary fields of `snapshots`. */
export function totals(snapshots: SnapshotView[]): ChangeTotals {
  const n = (s: SnapshotView, k: string) => Number(s.summary[k] ?? 0) || 0;
  const t: ChangeTotals = {
    snapshots: snapshots.length,
    addedRecords: 0,
    deletedRecords: 0,
    addedDataFiles: 0,
    deletedDataFiles: 0,
    addedDeleteFiles: 0,
    addedBytes: 0,
    removedBytes: 0,
  };
  for (const s of snapshots) {
    t.addedRecords += n(s, 'added-records');
    t.deletedRecords += n(s, 'deleted-records');
    t.addedDataFiles += n(s, 'added-data-files');
    t.deletedDataFiles += n(s, 'deleted-data-files');
    t.addedDeleteFiles += n(s, 'added-delete-files');
    t.addedBytes += n(s, 'added-files-size');
    t.removedBytes += n(s, 'removed-files-size');
  }
  return t;
}

export interface SchemaChange {
  kind: 'added' | 'removed' | 'renamed' | 'type' | 'required';
  id: number;
  path: string;
  detail: string;
}

/** Field-level differences between the current schemas of two table versions, matched by field id. */
export function schemaChanges(before: TableMetadataView | undefined, after: TableMetadataView): SchemaChange[] {
  const flat = (md: TableMetadataView | undefined) => {
    const out = new Map<number, { path: string; field: NestedField }>();
    const walk = (fields: NestedField[], prefix: string) => {
      for (const f of fields) {
        const path = prefix + f.name;
        out.set(f.id, { path, field: f });
        if (typeof f.type === 'object' && f.type.type === 'struct') walk(f.type.fields, `${path}.`);
      }
    };
    const s = md ? currentSchema(md) : undefined;
    if (s) walk(s.fields, '');
    return out;
  };
  const a = flat(before);
  const b = flat(after);
  const changes: SchemaChange[] = [];
  for (const [fid, x] of b) {
    const old = a.get(fid);
    if (!old) {
      if (before) changes.push({ kind: 'added', id: fid, path: x.path, detail: typeText(x.field.type) });
      continue;
    }
    if (old.path !== x.path) changes.push({ kind: 'renamed', id: fid, path: x.path, detail: `was ${old.path}` });
    const [ot, nt] = [typeText(old.field.type), typeText(x.field.type)];
    if (ot !== nt && typeof x.field.type === 'string')
      changes.push({ kind: 'type', id: fid, path: x.path, detail: `${ot} → ${nt}` });
    if (old.field.required !== x.field.required)
      changes.push({
        kind: 'required',
        id: fid,
        path: x.path,
        detail: x.field.required ? 'now required' : 'now optional',
      });
  }
  for (const [fid, x] of a)
    if (!b.has(fid)) changes.push({ kind: 'removed', id: fid, path: x.path, detail: typeText(x.field.type) });
  return changes;
}
