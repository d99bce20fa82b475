import type { Pool } from 'pg';
import type { PendingMergeRecord, PendingMerges } from '../companions.ts';
import { PENDING_MERGE_COLUMNS, fromPendingMergeRow, toPendingMergeRow, type PendingMergeRow } from '../sql-rows.ts';

/**
 * Pending forge merges on PostgreSQL (migration 103). Every replica reads them from the database, so a forge merge
 * recorded by one server is what `rat sync` through another finishes.
 *
 * @example await new PostgresPendingMerges(pool).list('main')
 */
export class PostgresPendingMerges implements PendingMerges {
  constructor(private readonly pool: Pool) {}

  async put(rec: Omit<PendingMergeRecord, 'recordedAt'> & { recordedAt?: string }): Promise<PendingMergeRecord> {
    const full: PendingMergeRecord = { ...rec, recordedAt: rec.recordedAt ?? new Date().toISOString() };
    const row = toPendingMergeRow(full);
    const updates = PENDING_MERGE_COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`);
    await this.pool.query(
      `INSERT INTO pending_merges (${PENDING_MERGE_COLUMNS.join(', ')})
       VALUES (${PENDING_MERGE_COLUMNS.map((_c, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`,
      PENDING_MERGE_COLUMNS.map((c) => row[c]),
    );
    return full;
  }

  async get(id: string): Promise<PendingMergeRecord | undefined> {
    const { rows } = await this.pool.query<PendingMergeRow>('SELECT * FROM pending_merges WHERE id = $1', [id]);
    return rows[0] ? fromPendingMergeRow(rows[0]) : undefined;
  }

  async list(targetRef?: string): Promise<PendingMergeRecord[]> {
    const { rows } =
      targetRef === undefined
        ? await this.pool.query<PendingMergeRow>('SELECT * FROM pending_merges ORDER BY recorded_at, id')
        : await this.pool.query<PendingMergeRow>(
            'SELECT * FROM pending_merges WHERE target_ref = $1 ORDER BY recorded_at, id',
            [targetRef],
          );
    return rows.map(fromPendingMergeRow);
  }

  async delete(id: string, targetRef: string): Promise<boolean> {
    const res = await this.pool.query('DELETE FROM pending_merges WHERE id = $1 AND target_ref = $2', [id, targetRef]);
    return res.rowCount === 1;
  }
}
