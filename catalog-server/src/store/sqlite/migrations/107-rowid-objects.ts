import type { Database } from 'better-sqlite3';

/**
 * Commits and tree nodes move from WITHOUT ROWID tables to rowid tables, and the unused index on a commit's parent goes.
 *
 * Why: both are keyed by a SHA-256, so every insert lands on a random page of its B-tree. In a WITHOUT ROWID table the
 * row itself sits in that B-tree, and a node of a few KB fills a leaf page with one row (plus overflow pages), so a
 * commit dirtied and split several random pages and wrote them all to the WAL. In a rowid table the random insert is
 * a 70-byte key in the primary-key index, and the row is appended in insertion order, where the commits of one group
 * share pages. Measured on the store with 16 writers on one branch (docs/performance-log.md, "Commits and trie nodes
 * in rowid tables"): a third of the pages written per commit, and half the time spent in the shared transaction.
 * `commits_parent` served no query (commits are never deleted, so no foreign-key check reads it) and cost one more
 * random page per commit.
 *
 * Runs with foreign keys off (the rebuild drops the tables other rows reference), and is checked before it commits.
 */
export const withoutForeignKeys = true;

export function up(db: Database): void {
  rebuildWithRowid(db, 'commits', 'generation, hash');
  rebuildWithRowid(db, 'tree_nodes', 'id');
}

/**
 * Rebuilds `table` with the same columns and constraints, taken from its own definition, minus `WITHOUT ROWID`; rows
 * are copied in `order`, which becomes their order on disk. Dropping the table drops its indexes with it.
 */
function rebuildWithRowid(db: Database, table: string, order: string): void {
  const { sql } = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) as {
    sql: string;
  };
  const rowid = sql.replace(/\)\s*WITHOUT\s+ROWID\s*$/i, ')');
  if (rowid === sql) return; // already a rowid table
  const rebuilt = `${table}_rebuilt`;
  const create = rowid.replace(new RegExp(`^CREATE TABLE\\s+"?${table}"?`, 'i'), `CREATE TABLE ${rebuilt}`);
  if (create === rowid) throw new Error(`unexpected definition of table ${table}: ${sql.slice(0, 80)}`);
  db.exec(create);
  db.exec(`INSERT INTO ${rebuilt} SELECT * FROM ${table} ORDER BY ${order}`);
  db.exec(`DROP TABLE ${table}`);
  db.exec(`ALTER TABLE ${rebuilt} RENAME TO ${table}`);
}
