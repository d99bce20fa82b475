import type { Database, Statement } from 'better-sqlite3';
import type { ReleasedTableRecord, ReleasedTables } from '../companions.ts';
import {
  RELEASED_TABLE_COLUMNS,
  fromReleasedTableRow,
  toReleasedTableRow,
  type ReleasedTableRow,
} from '../sql-rows.ts';

/**
 * Tables released to other catalogs (migration 108), beside the versioned store in the same SQLite file.
 *
 * @example await new ReleasedTableStore(store.db).list(undefined, 1000) // the first page, for GC
 */
export class ReleasedTableStore implements ReleasedTables {
  private readonly stmt: Record<string, Statement>;

  constructor(db: Database) {
    const p = (sql: string) => db.prepare(sql);
    this.stmt = {
      put: p(
        `INSERT OR REPLACE INTO released_tables (${RELEASED_TABLE_COLUMNS.join(', ')})
         VALUES (${RELEASED_TABLE_COLUMNS.map((c) => `@${c}`).join(', ')})`,
      ),
      get: p('SELECT * FROM released_tables WHERE metadata_location = ?'),
      delete: p('DELETE FROM released_tables WHERE metadata_location = ?'),
      first: p('SELECT * FROM released_tables ORDER BY metadata_location LIMIT ?'),
      after: p('SELECT * FROM released_tables WHERE metadata_location > ? ORDER BY metadata_location LIMIT ?'),
    };
  }

  async put(rec: Omit<ReleasedTableRecord, 'releasedAt'> & { releasedAt?: string }): Promise<ReleasedTableRecord> {
    const full: ReleasedTableRecord = { ...rec, releasedAt: rec.releasedAt ?? new Date().toISOString() };
    this.stmt.put.run(toReleasedTableRow(full));
    return full;
  }

  async get(metadataLocation: string): Promise<ReleasedTableRecord | undefined> {
    const row = this.stmt.get.get(metadataLocation) as ReleasedTableRow | undefined;
    return row ? fromReleasedTableRow(row) : undefined;
  }

  async delete(metadataLocation: string): Promise<boolean> {
    return this.stmt.delete.run(metadataLocation).changes === 1;
  }

  async list(after: string | undefined, limit: number): Promise<ReleasedTableRecord[]> {
    const rows = (
      after === undefined ? this.stmt.first.all(limit) : this.stmt.after.all(after, limit)
    ) as ReleasedTableRow[];
    return rows.map(fromReleasedTableRow);
  }
}
