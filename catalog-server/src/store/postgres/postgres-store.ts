import type { Pool } from 'pg';
import { CoreVersionStore } from '../core/version-store.ts';
import type { PoolStats, WriteStats } from '../types.ts';
import { PostgresCodeLinks, PostgresIdempotency } from './pg-companions.ts';
import { DatabaseClock } from './pg-clock.ts';
import { PostgresPendingMerges } from './pg-pending-merges.ts';
import { PostgresPersistence } from './pg-persistence.ts';
import { PostgresReleasedTables } from './pg-released-tables.ts';
import { PostgresSigningKey } from './pg-signing-key.ts';

/**
 * The versioned store on PostgreSQL: the backend-neutral core (store/core/) over PostgreSQL persistence. Any number
 * of servers may open the same database; they share every commit and ref (see docs/deploy.md for replicas).
 *
 * @example const store = await PostgresVersionStore.open('postgresql://rat@db:5432/rat', { poolSize: 20 })
 */
export class PostgresVersionStore extends CoreVersionStore {
  readonly codeLinks: PostgresCodeLinks;
  readonly idempotency: PostgresIdempotency;
  readonly pendingMerges: PostgresPendingMerges;
  readonly releasedTables: PostgresReleasedTables;
  readonly signingKey: PostgresSigningKey;
  /** The connection pool, for companion tables with other settings (e.g. a shorter idempotency retention). */
  readonly pool: Pool;
  private readonly writes: PostgresPersistence['writes'];

  private constructor(persistence: PostgresPersistence) {
    super(persistence);
    this.pool = persistence.pool;
    this.writes = persistence.writes;
    const clock = new DatabaseClock(persistence.pool);
    this.codeLinks = new PostgresCodeLinks(persistence.pool, clock);
    this.idempotency = new PostgresIdempotency(persistence.pool, undefined, clock);
    this.pendingMerges = new PostgresPendingMerges(persistence.pool);
    this.releasedTables = new PostgresReleasedTables(persistence.pool);
    this.signingKey = new PostgresSigningKey(persistence.pool);
  }

  /** Transactions run, writes they carried (commits to one branch that queue up share one) and seconds spent in them. */
  override get poolStats(): PoolStats {
    const p = this.pool;
    return { open: p.totalCount, idle: p.idleCount, max: p.options.max, waiting: p.waitingCount };
  }

  override get groupCommitStats(): WriteStats & { readonly waiting: number } {
    return { ...this.writes.stats, waiting: this.writes.waiting };
  }

  /** Connects (pool of `poolSize`, default 10), migrates the schema, and creates `main` on a fresh database. */
  static async open(
    url: string,
    opts: { poolSize?: number; connectTimeoutMs?: number; queryTimeoutMs?: number } = {},
  ): Promise<PostgresVersionStore> {
    const store = new PostgresVersionStore(await PostgresPersistence.open(url, opts));
    try {
      await store.bootstrap();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }
}
