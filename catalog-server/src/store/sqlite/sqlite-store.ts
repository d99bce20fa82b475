import type { Database } from 'better-sqlite3';
import { CoreVersionStore } from '../core/version-store.ts';
import type { WriteStats } from '../types.ts';
import { SqlitePersistence, type SqliteOptions } from './sqlite-persistence.ts';

/**
 * The versioned store on one SQLite file: the backend-neutral core (store/core/) over SQLite persistence.
 *
 * @example const store = await SqliteVersionStore.open('.rat/catalog.db'); await store.listReferences()
 */
export class SqliteVersionStore extends CoreVersionStore {
  /** The database handle, for companion repositories (code links, idempotency keys) that keep tables in the file. */
  readonly db: Database;

  private constructor(private readonly sqlite: SqlitePersistence) {
    super(sqlite);
    this.db = sqlite.db;
  }

  /** Shared transactions run, writes submitted and seconds spent writing so far (see `WriteStats`). */
  override get groupCommitStats(): WriteStats {
    return this.sqlite.writeStats;
  }

  /**
   * Opens (and migrates) the store at `file`, or an in-memory one for `':memory:'`. Creates `main` on first start.
   * Writes are group-committed unless `opts.groupCommit` is false.
   */
  static async open(file: string, opts: SqliteOptions = {}): Promise<SqliteVersionStore> {
    const store = new SqliteVersionStore(await SqlitePersistence.open(file, opts));
    await store.bootstrap();
    return store;
  }
}
