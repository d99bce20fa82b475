import type { Database, Statement } from 'better-sqlite3';
import type { PendingMergeRecord, PendingMerges } from '../companions.ts';
import { PENDING_MERGE_COLUMNS, fromPendingMergeRow, toPendingMergeRow, type PendingMergeRow } from '../sql-rows.ts';

export type { PendingMergeRecord } from '../companions.ts';

/**
 * Pending forge merges (migration 103), beside the versioned store in the same SQLite file.
 *
 * @example await new PendingMergeStore(store.db).list('main') // what `rat sync` on main still has to finish
 */
export class PendingMergeStore implements PendingMerges {
  private readonly stmt: Record<string, Statement>;

  constructor(db: Database) {
    const p = (sql: string) => db.prepare(sql);
    this.stmt = {
      put: p(
        `INSERT OR REPLACE INTO pending_merges (${PENDING_MERGE_COLUMNS.join(', ')})
         VALUES (${PENDING_MERGE_COLUMNS.map((c) => `@${c}`).join(', ')})`,
      ),
      get: p('SELECT * FROM pending_merges WHERE id = ?'),
      byTarget: p('SELECT * FROM pending_merges WHERE target_ref = ? ORDER BY recorded_at, id'),
      all: p('SELECT * FROM pending_merges ORDER BY recorded_at, id'),
      delete: p('DELETE FROM pending_merges WHERE id = ? AND target_ref = ?'),
    };
  }

  async put(rec: Omit<PendingMergeRecord, 'recordedAt'> & { recordedAt?: string }): Promise<PendingMergeRecord> {
    const full: PendingMergeRecord = { ...rec, recordedAt: rec.recordedAt ?? new Date().toISOString() };
    this.stmt.put.run(toPendingMergeRow(full));
    return full;
  }

  async get(id: string): Promise<PendingMergeRecord | undefined> {
    const row = this.stmt.get.get(id) as PendingMergeRow | undefined;
    return row ? fromPendingMergeRow(row) : undefined;
  }

  async list(targetRef?: string): Promise<PendingMergeRecord[]> {
    const rows = (
      targetRef === undefined ? this.stmt.all.all() : this.stmt.byTarget.all(targetRef)
    ) as PendingMergeRow[];
    return rows.map(fromPendingMergeRow);
  }

  async delete(id: string, targetRef: string): Promise<boolean> {
    return this.stmt.delete.run(id, targetRef).changes === 1;
  }
}
