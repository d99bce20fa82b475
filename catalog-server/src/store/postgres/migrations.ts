import type { Pool } from 'pg';

/**
 * The PostgreSQL schema, as numbered migrations applied in order and recorded in `schema_migrations`. Same tables as
 * the SQLite file (store/sqlite/migrations/). Hashes, names and shas use the "C" collation so that range scans
 * (hash prefixes) and listings sort by code point whatever the database's locale.
 */
export const MIGRATIONS: ReadonlyArray<{ name: string; sql: string }> = [
  {
    name: '001-initial',
    sql: `
      CREATE TABLE commits (
        hash          TEXT COLLATE "C" PRIMARY KEY,
        parent        TEXT COLLATE "C" REFERENCES commits(hash),
        merge_parent  TEXT COLLATE "C" REFERENCES commits(hash),
        tree          TEXT NOT NULL,
        generation    INTEGER NOT NULL,
        author        TEXT NOT NULL,
        committer     TEXT NOT NULL,
        message       TEXT NOT NULL,
        author_time   TEXT NOT NULL,
        commit_time   TEXT NOT NULL,
        commit_ms     BIGINT NOT NULL,
        properties    TEXT NOT NULL,
        operations    TEXT NOT NULL
      );
      CREATE INDEX commits_parent ON commits(parent);
      CREATE TABLE refs (
        name  TEXT COLLATE "C" PRIMARY KEY,
        type  TEXT NOT NULL CHECK (type IN ('BRANCH', 'TAG')),
        head  TEXT COLLATE "C" NOT NULL REFERENCES commits(hash)
      );
      CREATE TABLE ref_log (
        id            BIGSERIAL PRIMARY KEY,
        ref_name      TEXT NOT NULL,
        ref_type      TEXT NOT NULL,
        previous_hash TEXT,
        new_hash      TEXT,
        operation     TEXT NOT NULL,
        at            TEXT NOT NULL
      );
      CREATE INDEX ref_log_ref ON ref_log(ref_name, id);
      CREATE TABLE tree_nodes (
        id    TEXT COLLATE "C" PRIMARY KEY,
        body  TEXT NOT NULL
      );`,
  },
  {
    name: '100-code-links',
    sql: `
      CREATE TABLE code_links (
        code_sha     TEXT COLLATE "C" PRIMARY KEY,
        data_ref     TEXT NOT NULL,
        data_hash    TEXT NOT NULL,
        code_branch  TEXT,
        recorded_at  TEXT NOT NULL
      );
      CREATE INDEX code_links_data_hash ON code_links(data_hash);`,
  },
  {
    name: '101-webhook-deliveries',
    sql: `
      CREATE TABLE webhook_deliveries (
        forge        TEXT NOT NULL,
        delivery_id  TEXT NOT NULL,
        received_at  TEXT NOT NULL,
        status       TEXT NOT NULL,
        result       TEXT,
        PRIMARY KEY (forge, delivery_id)
      );`,
  },
  {
    name: '102-idempotency-keys',
    sql: `
      CREATE TABLE idempotency_keys (
        idempotency_key TEXT PRIMARY KEY,
        fingerprint     TEXT NOT NULL,
        status          INTEGER NOT NULL,
        headers         TEXT NOT NULL,
        body            BYTEA NOT NULL,
        created_ms      BIGINT NOT NULL
      );
      CREATE INDEX idempotency_keys_created ON idempotency_keys (created_ms);`,
  },
  {
    name: '103-pending-merges',
    sql: `
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
      );
      CREATE INDEX pending_merges_by_target ON pending_merges (target_ref, recorded_at);`,
  },
  {
    // Reference listings page in (type, name) order — branches before tags — from this index (store/sqlite's 002).
    name: '002-refs-by-type',
    sql: 'CREATE INDEX refs_by_type ON refs (type, name);',
  },
  {
    // Running Idempotency-Key requests (store/sqlite's 104): a duplicate on any replica waits for their outcome.
    name: '104-idempotency-claims',
    sql: `
      CREATE TABLE idempotency_claims (
        idempotency_key TEXT PRIMARY KEY,
        fingerprint     TEXT NOT NULL,
        holder          TEXT NOT NULL,
        expires_ms      BIGINT NOT NULL
      );
      CREATE INDEX idempotency_claims_expires ON idempotency_claims (expires_ms);`,
  },
  {
    // The token signing key shared by every replica (one row; see pg-signing-key.ts). PostgreSQL only: a SQLite
    // catalog has one server, which keeps its key in its data dir.
    name: '105-token-signing-key',
    sql: `
      CREATE TABLE token_signing_key (
        id          SMALLINT PRIMARY KEY CHECK (id = 1),
        kid         TEXT NOT NULL,
        k           TEXT NOT NULL,
        created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
      );`,
  },
  {
    // No query reads a commit's parent by value (walks go child to parent, by hash), and commits are never deleted,
    // so no foreign-key check needs it: the index only cost every commit one more random B-tree page (store/sqlite's
    // 107 drops it too).
    name: '107-drop-commits-parent',
    sql: 'DROP INDEX IF EXISTS commits_parent;',
  },
  {
    // Tables unregistered to another catalog (store/sqlite's 108), whose files GC leaves alone. The "C" collation
    // pages them in the same (code point) order as SQLite.
    name: '108-released-tables',
    sql: `
      CREATE TABLE released_tables (
        metadata_location TEXT COLLATE "C" PRIMARY KEY,
        prefixes          TEXT NOT NULL,
        ref               TEXT NOT NULL,
        table_name        TEXT NOT NULL,
        released_at       TEXT NOT NULL
      );`,
  },
];

/** Session-level advisory lock key ("rat-migr" in ASCII) that serializes migrations across servers. */
const MIGRATION_LOCK = 0x7261742d6d696772n;

/**
 * Applies the migrations this database has not seen, each in its own transaction. Several servers starting at once
 * take turns on an advisory lock, so each migration runs exactly once; the ones that wait find it recorded.
 *
 * @example await migratePostgres(pool) // → ['001-initial', ...] on a fresh database, [] afterwards
 */
export async function migratePostgres(pool: Pool): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)',
      );
      const applied = new Set(
        (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
      );
      const done: string[] = [];
      for (const m of MIGRATIONS) {
        if (applied.has(m.name)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)', [
            m.name,
            new Date().toISOString(),
          ]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
        done.push(m.name);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]);
    }
  } finally {
    client.release();
  }
}
