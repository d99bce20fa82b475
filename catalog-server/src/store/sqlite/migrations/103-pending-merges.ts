import type { Database } from 'better-sqlite3';

/**
 * Forge merges the server could not finish alone (git lockstep): the tables a merge with rebuild must recompute with
 * the merged code, or a conflict that needs a decision. `rat sync` on the target branch lists, finishes and clears them.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE pending_merges (
      id            TEXT PRIMARY KEY,
      target_ref    TEXT NOT NULL,
      source_ref    TEXT NOT NULL,
      source_hash   TEXT NOT NULL,
      source_branch TEXT NOT NULL,
      target_branch TEXT NOT NULL,
      merge_sha     TEXT,
      forge         TEXT NOT NULL,
      request       INTEGER,
      state         TEXT NOT NULL,
      tables        TEXT NOT NULL,
      blocking      TEXT NOT NULL,
      merged_hash   TEXT,
      recorded_at   TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX pending_merges_by_target ON pending_merges (target_ref, recorded_at);
  `);
}
