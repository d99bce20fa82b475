import type { Pool } from 'pg';
import type { ReleasedTableRecord, ReleasedTables } from '../companions.ts';
import {
  RELEASED_TABLE_COLUMNS,
  fromReleasedTableRow,
  toReleasedTableRow,
  type ReleasedTableRow,
} from '../sql-rows.ts';

/**
 * Tables released to other catalogs, on PostgreSQL (migration 108). Every replica reads them from the database, so a
 * table one server released is left alone by the GC of every other one.
 *
 * @example await new PostgresReleasedTables(pool).list(undefined, 1000)
 */
export class PostgresReleasedTables implements ReleasedTables {
  constructor(private readonly pool: Pool) {}

  async put(rec: Omit<ReleasedTableRecord, 'releasedAt'> & { releasedAt?: string }): Promise<ReleasedTableRecord> {
    const full: ReleasedTableRecord = { ...rec, releasedAt: rec.releasedAt ?? new Date().toISOString() };
    const row = toReleasedTableRow(full);
    const updates = RELEASED_TABLE_COLUMNS.filter((c) => c !== 'metadata_location').map((c) => `${c} = excluded.${c}`);
    await this.pool.query(
      `INSERT INTO released_tables (${RELEASED_TABLE_COLUMNS.join(', ')})
       VALUES (${RELEASED_TABLE_COLUMNS.map((_c, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (metadata_location) DO UPDATE SET ${updates.join(', ')}`,
      RELEASED_TABLE_COLUMNS.map((c) => row[c]),
    );
    return full;
  }

  async get(metadataLocation: string): Promise<ReleasedTableRecord | undefined> {
    const { rows } = await this.pool.query<ReleasedTableRow>(
      'SELECT * FROM released_tables WHERE metadata_location = $1',
      [metadataLocation],
    );
    return rows[0] ? fromReleasedTableRow(rows[0]) : undefined;
  }

  async delete(metadataLocation: string): Promise<boolean> {
    const res = await this.pool.query('DELETE FROM released_tables WHERE metadata_location = $1', [metadataLocation]);
    return res.rowCount === 1;
  }

  async list(after: string | undefined, limit: number): Promise<ReleasedTableRecord[]> {
    const { rows } =
      after === undefined
        ? await this.pool.query<ReleasedTableRow>('SELECT * FROM released_tables ORDER BY metadata_location LIMIT $1', [
            limit,
          ])
        : await this.pool.query<ReleasedTableRow>(
            'SELECT * FROM released_tables WHERE metadata_location > $1 ORDER BY metadata_location LIMIT $2',
            [after, limit],
          );
    return rows.map(fromReleasedTableRow);
  }
}
