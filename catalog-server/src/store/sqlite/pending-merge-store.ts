import type { Database, Statement } from 'better-sqlite3';
import type { PendingMergeRecord, PendingMerges } from '../companions.ts';

export type { PendingMergeRecord } from '../companions.ts';

interface Row {
  id: string;
  target_ref: string;
  source_ref: string;
  source_hash: string;
  source_branch: string;
  target_branch: string;
  merge_sha: string | null;
  forge: string;
  request: number | null;
  state: 'rebuild' | 'conflict';
  tables: string;
  blocking: string;
  merged_hash: string | null;
  recorded_at: string;
}

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
      put: p(`INSERT OR REPLACE INTO pending_merges (id, target_ref, source_ref, source_hash, source_branch,
        target_branch, merge_sha, forge, request, state, tables, blocking, merged_hash, recorded_at)
        VALUES (@id, @target_ref, @source_ref, @source_hash, @source_branch, @target_branch, @merge_sha, @forge,
        @request, @state, @tables, @blocking, @merged_hash, @recorded_at)`),
      get: p('SELECT * FROM pending_merges WHERE id = ?'),
      byTarget: p('SELECT * FROM pending_merges WHERE target_ref = ? ORDER BY recorded_at, id'),
      all: p('SELECT * FROM pending_merges ORDER BY recorded_at, id'),
      delete: p('DELETE FROM pending_merges WHERE id = ? AND target_ref = ?'),
    };
  }

  /** Records (or replaces, for the same id) a pending merge. */
  async put(rec: Omit<PendingMergeRecord, 'recordedAt'> & { recordedAt?: string }): Promise<PendingMergeRecord> {
    const full: PendingMergeRecord = { ...rec, recordedAt: rec.recordedAt ?? new Date().toISOString() };
    this.stmt.put.run({
      id: full.id,
      target_ref: full.targetRef,
      source_ref: full.sourceRef,
      source_hash: full.sourceHash,
      source_branch: full.sourceBranch,
      target_branch: full.targetBranch,
      merge_sha: full.mergeSha ?? null,
      forge: full.forge,
      request: full.request ?? null,
      state: full.state,
      tables: JSON.stringify(full.tables),
      blocking: JSON.stringify(full.blocking),
      merged_hash: full.mergedHash ?? null,
      recorded_at: full.recordedAt,
    });
    return full;
  }

  async get(id: string): Promise<PendingMergeRecord | undefined> {
    const row = this.stmt.get.get(id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Pending merges into data branch `targetRef` (every one without it), oldest first. */
  async list(targetRef?: string): Promise<PendingMergeRecord[]> {
    const rows = (targetRef === undefined ? this.stmt.all.all() : this.stmt.byTarget.all(targetRef)) as Row[];
    return rows.map(toRecord);
  }

  /** Forgets a pending merge into `targetRef` once finished or settled; false when there was none. */
  async delete(id: string, targetRef: string): Promise<boolean> {
    return this.stmt.delete.run(id, targetRef).changes === 1;
  }
}

function toRecord(r: Row): PendingMergeRecord {
  return {
    id: r.id,
    sourceRef: r.source_ref,
    targetRef: r.target_ref,
    sourceHash: r.source_hash,
    sourceBranch: r.source_branch,
    targetBranch: r.target_branch,
    ...(r.merge_sha ? { mergeSha: r.merge_sha } : {}),
    forge: r.forge,
    ...(r.request !== null ? { request: r.request } : {}),
    state: r.state,
    tables: JSON.parse(r.tables) as string[],
    blocking: JSON.parse(r.blocking) as string[],
    ...(r.merged_hash ? { mergedHash: r.merged_hash } : {}),
    recordedAt: r.recorded_at,
  };
}
