import type { Database } from 'better-sqlite3';

/**
 * Commits and tree nodes move from WITHOUT ROWID tables to rowid tables, and the unused index on a commit's parent goes.
 *
 * Why: both are keyed by a SHA-256, so every insert lands on a random page of its B-tree. In a WITHOUT ROWID table the
 * row itself sits in that B-tree, and a node of a few KB fills a leaf page with one row (plus overflow pages), so a
 * commit dirtied and split several random pages and wrote them all to the WAL. In a rowid table the random insert is
 * a 70-byte key in the primary-key index, and the row is appended in insertion order, where the commits of one group
 * share pages. Measured on the store with 16 writers on one branch (docs/performance.md): a third of the pages written
 * per commit, and half the time spent in the shared transaction. `commits_parent` served no query (commits are never
 * deleted, so no foreign-key check reads it) and cost one more random page per commit.
 *
 * Runs with foreign keys off (the rebuild drops the tables other rows reference), and is checked before it commits.
 */
export const withoutForeignKeys = true;

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE commits_rebuilt (
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
    );
    INSERT INTO commits_rebuilt SELECT hash, parent, merge_parent, tree, generation, author, committer, message,
      author_time, commit_time, commit_ms, properties, operations FROM commits ORDER BY generation, hash;
    DROP TABLE commits;
    ALTER TABLE commits_rebuilt RENAME TO commits;

    CREATE TABLE tree_nodes_rebuilt (
      id    TEXT PRIMARY KEY,
      body  TEXT NOT NULL
    );
    INSERT INTO tree_nodes_rebuilt SELECT id, body FROM tree_nodes;
    DROP TABLE tree_nodes;
    ALTER TABLE tree_nodes_rebuilt RENAME TO tree_nodes;
  `);
}
