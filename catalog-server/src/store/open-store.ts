import path from 'node:path';
import { BadRequestError } from '../errors/index.ts';
import type { CodeLinks, IdempotencyRecords, PendingMerges, ReleasedTables, SharedSigningKey } from './companions.ts';
import { PostgresVersionStore } from './postgres/postgres-store.ts';
import { CodeLinkStore } from './sqlite/code-link-store.ts';
import { IdempotencyStore } from './sqlite/idempotency-store.ts';
import { PendingMergeStore } from './sqlite/pending-merge-store.ts';
import { ReleasedTableStore } from './sqlite/released-table-store.ts';
import type { SqliteOptions } from './sqlite/sqlite-persistence.ts';
import { SqliteVersionStore } from './sqlite/sqlite-store.ts';
import type { CoreVersionStore } from './core/version-store.ts';

/** A catalog database: the versioned store and the tables beside it, on one backend. */
export interface CatalogDatabase {
  store: CoreVersionStore;
  codeLinks: CodeLinks;
  idempotency: IdempotencyRecords;
  pendingMerges: PendingMerges;
  releasedTables: ReleasedTables;
  /**
   * Where the replicas of a shared database keep their token signing key (PostgreSQL); absent for SQLite, whose one
   * server keeps it in its data dir.
   */
  signingKey?: SharedSigningKey;
  /** `sqlite` or `postgresql`, for logs and metrics. */
  backend: 'sqlite' | 'postgresql';
}

/** Where a catalog lives: a SQLite file or a PostgreSQL database. */
export type StoreLocation = { backend: 'sqlite'; file: string } | { backend: 'postgresql'; url: string };

/**
 * Parses a store location: `postgresql://…` (or `postgres://…`), `sqlite:<file>`, or a plain file path (SQLite).
 *
 * @example parseStoreLocation('sqlite:.rat/catalog.db') → { backend: 'sqlite', file: '/abs/.rat/catalog.db' }
 */
export function parseStoreLocation(spec: string): StoreLocation {
  if (/^postgres(ql)?:\/\//.test(spec)) return { backend: 'postgresql', url: spec };
  const file = spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec;
  if (file.length === 0 || /^[a-z][a-z0-9+.-]*:\/\//i.test(file)) {
    throw new BadRequestError(`Store "${spec}" is neither postgresql://… nor a SQLite file (sqlite:<path>).`);
  }
  return { backend: 'sqlite', file: path.resolve(file) };
}

/** Credentials are not for logs: `postgresql://rat:secret@db/rat` → `postgresql://rat:***@db/rat`. */
export function redactStoreLocation(spec: string): string {
  return spec.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@]*@/, '$1:***@');
}

/**
 * Opens (and migrates) the catalog database at `location`.
 *
 * @example const db = await openCatalogDatabase(parseStoreLocation(process.env.RAT_STORE ?? '.rat/catalog.db'))
 */
export async function openCatalogDatabase(
  location: StoreLocation,
  opts: { poolSize?: number; queryTimeoutMs?: number } & Pick<SqliteOptions, 'onCheckpointError' | 'onMigration'> = {},
): Promise<CatalogDatabase> {
  if (location.backend === 'postgresql') {
    const store = await PostgresVersionStore.open(location.url, opts);
    return {
      store,
      codeLinks: store.codeLinks,
      idempotency: store.idempotency,
      pendingMerges: store.pendingMerges,
      releasedTables: store.releasedTables,
      signingKey: store.signingKey,
      backend: 'postgresql',
    };
  }
  const store = await SqliteVersionStore.open(location.file, opts);
  return {
    store,
    codeLinks: new CodeLinkStore(store.db),
    idempotency: new IdempotencyStore(store.db),
    pendingMerges: new PendingMergeStore(store.db),
    releasedTables: new ReleasedTableStore(store.db),
    backend: 'sqlite',
  };
}
