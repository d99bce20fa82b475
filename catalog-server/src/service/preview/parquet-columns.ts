import { readParquet } from 'parquet-wasm';
import { tableFromIPC, type Table } from 'apache-arrow';

/** A decoded Parquet file: its row count and, per Iceberg field id, a reader of that column's value at a row. */
export interface ParquetColumns {
  rows: number;
  column(fieldId: number, name: string): ((row: number) => unknown) | undefined;
}

/**
 * Decodes a Parquet file (parquet-wasm into Arrow). Columns are found by the Iceberg field id written in the file's
 * schema (`PARQUET:field_id`), so renamed columns still read right; a file without ids falls back to names.
 *
 * @example const cols = decodeParquet(bytes); cols.column(1, 'id')?.(0) // 1n
 */
export function decodeParquet(bytes: Uint8Array): ParquetColumns {
  const table: Table = tableFromIPC(readParquet(bytes).intoIPCStream());
  const byId = new Map<number, number>();
  const byName = new Map<string, number>();
  table.schema.fields.forEach((f, i) => {
    const id = Number(f.metadata.get('PARQUET:field_id'));
    if (Number.isInteger(id)) byId.set(id, i);
    byName.set(f.name, i);
  });
  return {
    rows: table.numRows,
    column(fieldId, name) {
      const index = byId.size > 0 ? byId.get(fieldId) : byName.get(name);
      if (index === undefined) return undefined;
      const vector = table.getChildAt(index)!;
      return (row) => vector.get(row);
    },
  };
}
