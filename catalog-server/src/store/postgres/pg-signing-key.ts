import type { Pool } from 'pg';
import type { SharedSigningKey, StoredSigningKey } from '../companions.ts';

/**
 * The replicas' shared token signing key in PostgreSQL: one row, inserted by whichever server starts first (the
 * insert is a no-op for the others), then read by all. Rotating it: delete the row and restart every replica (every
 * issued token stops verifying; clients with credentials obtain new ones).
 *
 * @example const key = await new PostgresSigningKey(pool).loadOrCreate(fresh)
 */
export class PostgresSigningKey implements SharedSigningKey {
  constructor(private readonly pool: Pool) {}

  async loadOrCreate(fresh: StoredSigningKey): Promise<StoredSigningKey> {
    await this.pool.query('INSERT INTO token_signing_key (id, kid, k) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING', [
      fresh.kid,
      fresh.k,
    ]);
    const { rows } = await this.pool.query<StoredSigningKey>('SELECT kid, k FROM token_signing_key WHERE id = 1');
    return rows[0];
  }
}
