import type { Database } from 'better-sqlite3';

/**
 * Code commit → data commit links written by git-sync's post-commit hook (and merges): which data commit a code
 * commit saw, so a detached checkout, a teammate or CI reads the same data. Keyed by the git sha alone: shas are
 * unique across repositories in practice, and one catalog serves one code repository.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE code_links (
      code_sha     TEXT PRIMARY KEY,
      data_ref     TEXT NOT NULL,
      data_hash    TEXT NOT NULL,
      code_branch  TEXT,
      recorded_at  TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX code_links_data_hash ON code_links(data_hash);
  `);
}
