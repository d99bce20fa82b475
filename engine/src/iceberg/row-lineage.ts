import type { ManifestFile } from '@ratatouille/iceberg';
import { EngineError } from '../errors/engine-error.ts';

/*
 * Row lineage of format version 3 tables (spec, "Row Lineage"): every row has an id, which a writer assigns by
 * giving each new data manifest of a snapshot's manifest list a `first_row_id` (its files' rows inherit ids from it)
 * and the snapshot a `first-row-id` and `added-rows`. Rows a writer moves to new files must keep their ids, written
 * out in `_row_id` columns; the engine does not write those, so on a v3 table it only appends and overwrites whole.
 */

/** A write the engine would make to a v3 table that moves rows (their ids would be lost). */
export class RowLineageError extends EngineError<'UNSUPPORTED_TABLE_FORMAT', { table: string; mode: string }> {
  constructor(table: string, mode: string) {
    super(
      'UNSUPPORTED_TABLE_FORMAT',
      `${table} is a format version 3 table, whose rows keep their ids when a writer moves them; the engine appends to ` +
        `it and overwrites it whole, but does not carry row ids through a ${mode} yet. Materialize it as table or an ` +
        'incremental append, or keep it on format version 2.',
      { table, mode },
    );
  }
}

/** Whether a write of `mode` keeps every existing row where it is (appends) or drops them all (an overwrite). */
export function keepsRowLineage(mode: string, replacesFiles: boolean): boolean {
  return !replacesFiles && (mode === 'append' || mode === 'overwrite');
}

/**
 * A v3 manifest list's row ids: each data manifest without a `first_row_id` (the ones this snapshot writes, or any
 * written before the table was upgraded) gets the next ids, as many as its added and existing rows, in list order.
 * Returns the manifests with their ids and the snapshot's `first-row-id` and `added-rows`.
 *
 * @example assignRowIds([newManifest, kept], 100) // newManifest.firstRowId 100; { firstRowId: 100, addedRows: 5 }
 */
export function assignRowIds(
  manifests: ManifestFile[],
  nextRowId: number,
): { manifests: ManifestFile[]; firstRowId: number; addedRows: number } {
  let next = nextRowId;
  const out = manifests.map((m) => {
    if (m.content !== 0 || (m.firstRowId !== undefined && m.firstRowId !== null)) return m;
    const firstRowId = next;
    next += Number(m.addedRowsCount) + Number(m.existingRowsCount);
    return { ...m, firstRowId };
  });
  return { manifests: out, firstRowId: nextRowId, addedRows: next - nextRowId };
}
