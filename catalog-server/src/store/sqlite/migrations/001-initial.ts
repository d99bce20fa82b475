import type { Database } from 'better-sqlite3';

/** Commits, refs, the ref log and the content-addressed tree nodes that hold each commit's key→content view. */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE commits (
      hash          TEXT PRIMARY KEY,
      parent        TEXT REFERENCES commits(hash),
      merge_parent  TEXT REFERENCES commits(hash),
      tree          TEXT NOT NULL,
      generation    INTEGER NOT NULL,
      author        TEXT NOT NULL,
      committer     TEXT NOT NULL,
      message       TEXT NOT NULL,
      author_time   TEXT NOT NULL,
      commit_time   TEXT NOT NULL,
      commit_ms     INTEGER NOT NULL,
      properties    TEXT NOT NULL,
      operations    TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX commits_parent ON commits(parent);

    CREATE TABLE refs (
      name  TEXT PRIMARY KEY,
      type  TEXT NOT NULL CHECK (type IN ('BRANCH', 'TAG')),
      head  TEXT NOT NULL REFERENCES commits(hash)
    ) WITHOUT ROWID;

    CREATE TABLE ref_log (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      ref_name      TEXT NOT NULL,
      ref_type      TEXT NOT NULL,
      previous_hash TEXT,
      new_hash      TEXT,
      operation     TEXT NOT NULL,
      at            TEXT NOT NULL
    );
    CREATE INDEX ref_log_ref ON ref_log(ref_name, id);

    CREATE TABLE tree_nodes (
      id    TEXT PRIMARY KEY,
      body  TEXT NOT NULL
    ) WITHOUT ROWID;
  `);
}
