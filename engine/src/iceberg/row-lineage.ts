import { EngineError } from '../errors/engine-error.ts';

/*
 * Row lineage of format version 3 tables (spec, "Row Lineage"): every row has an id, which a writer assigns by
 * giving each new data manifest of a snapshot's manifest list a `first_row_id` (its files' rows inherit ids from it)
 * and the snapshot a `first-row-id` and `added-rows`. Rows a writer moves to new files must keep their ids, written
 * out in `_row_id` and `_last_updated_sequence_number` columns: a compaction and an upsert's copy-on-write do;
 * replacing partitions does not, and is refused on a v3 table.
 */

/** A write the engine would make to a v3 table that moves rows (their ids would be lost). */
export class RowLineageError extends EngineError<'UNSUPPORTED_TABLE_FORMAT', { table: string; mode: string }> {
  constructor(table: string, mode: string) {
    super(
      'UNSUPPORTED_TABLE_FORMAT',
      `${table} is a format version 3 table, whose rows keep their ids when a writer moves them; the engine appends to ` +
        `it, overwrites it whole, upserts into it and compacts it, but does not carry row ids through a ${mode} yet. ` +
        'Materialize it as table or incremental, or keep it on format version 2.',
      { table, mode },
    );
  }
}

/**
 * Whether a write of `mode` keeps the rows' ids: it keeps every existing row where it is (an append), drops them all
 * (an overwrite), or writes the ids of the rows it moves (`carriesRowIds`: a compaction, an upsert).
 */
export function keepsRowLineage(mode: string, replacesFiles: boolean, carriesRowIds = false): boolean {
  return carriesRowIds || (!replacesFiles && (mode === 'append' || mode === 'overwrite'));
}

/** The row lineage columns a data file may hold, under their reserved field ids (spec). */
export const ROW_ID = { name: '_row_id', id: 2147483540 };
export const LAST_UPDATED_SEQUENCE_NUMBER = { name: '_last_updated_sequence_number', id: 2147483539 };
/** The row lineage columns a rewrite carries into its files. */
export const ROW_LINEAGE_COLUMNS = [ROW_ID, LAST_UPDATED_SEQUENCE_NUMBER];
