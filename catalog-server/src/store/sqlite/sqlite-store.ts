import type { Database } from 'better-sqlite3';
import { CoreVersionStore } from '../core/version-store.ts';
import { SqlitePersistence } from './sqlite-persistence.ts';

/**
 * The versioned store on one SQLite file: the backend-neutral core (store/core/) over SQLite persistence.
 *
 * @example const store = await SqliteVersionStore.open('.rat/catalog.db'); await store.listReferences()
 */
export class SqliteVersionStore extends CoreVersionStore {
  /** The database handle, for companion repositories (code links, idempotency keys) that keep tables in the file. */
  readonly db: Database;

  private constructor(persistence: SqlitePersistence) {
    super(persistence);
    this.db = persistence.db;
  }

  /** Opens (and migrates) the store at `file`, or an in-memory one for `':memory:'`. Creates `main` on first start. */
  static async open(file: string): Promise<SqliteVersionStore> {
    const store = new SqliteVersionStore(await SqlitePersistence.open(file));
    await store.bootstrap();
    return store;
  }
}
