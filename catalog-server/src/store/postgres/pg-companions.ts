import type { Pool } from 'pg';
import type {
  CodeLinkRecord,
  CodeLinks,
  IdempotencyClaim,
  IdempotencyRecords,
  IdempotentOutcome,
  LinkPosition,
  WebhookDeliveryRecord,
} from '../companions.ts';
import { DELIVERY_CLAIM_LEASE_MS } from '../companions.ts';
import { DatabaseClock } from './pg-clock.ts';
import {
  fromClaimRow,
  fromDeliveryRow,
  fromIdempotencyRow,
  fromLinkRow,
  type ClaimRow,
  type DeliveryRow,
  type IdempotencyRow,
  type LinkRow,
} from '../sql-rows.ts';

/**
 * Code links and webhook deliveries on PostgreSQL (migrations 100 and 101). A delivery claim is an insert that only
 * one server can win, so a forge event delivered to two replicas at once is merged once; its lease is kept in the
 * database's time (see DatabaseClock).
 *
 * @example const links = new PostgresCodeLinks(pool); await links.put({ sha, dataRef: 'main', dataHash })
 */
export class PostgresCodeLinks implements CodeLinks {
  constructor(
    private readonly pool: Pool,
    private readonly clock = new DatabaseClock(pool),
  ) {}

  async get(sha: string): Promise<CodeLinkRecord | undefined> {
    const { rows } = await this.pool.query<LinkRow>('SELECT * FROM code_links WHERE code_sha = $1', [
      sha.toLowerCase(),
    ]);
    return rows[0] ? fromLinkRow(rows[0]) : undefined;
  }

  async put(link: Omit<CodeLinkRecord, 'recordedAt'> & { recordedAt?: string }): Promise<CodeLinkRecord> {
    const rec: CodeLinkRecord = {
      ...link,
      sha: link.sha.toLowerCase(),
      recordedAt: link.recordedAt ?? new Date().toISOString(),
    };
    await this.pool.query(
      `INSERT INTO code_links (code_sha, data_ref, data_hash, code_branch, recorded_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (code_sha) DO UPDATE SET data_ref = excluded.data_ref, data_hash = excluded.data_hash,
       code_branch = excluded.code_branch, recorded_at = excluded.recorded_at`,
      [rec.sha, rec.dataRef, rec.dataHash, rec.codeBranch ?? null, rec.recordedAt],
    );
    return rec;
  }

  async byDataHash(dataHash: string, page: { limit?: number; after?: LinkPosition } = {}): Promise<CodeLinkRecord[]> {
    const { limit = 100, after } = page;
    // ISO times sort as text in byte order ("C"), as SQLite compares them; the sha breaks ties within a millisecond.
    const order = 'ORDER BY recorded_at COLLATE "C" DESC, code_sha DESC';
    const { rows } = after
      ? await this.pool.query<LinkRow>(
          `SELECT * FROM code_links WHERE data_hash = $1 AND (recorded_at COLLATE "C", code_sha) < ($2, $3) ${order} LIMIT $4`,
          [dataHash, after.recordedAt, after.sha, limit],
        )
      : await this.pool.query<LinkRow>(`SELECT * FROM code_links WHERE data_hash = $1 ${order} LIMIT $2`, [
          dataHash,
          limit,
        ]);
    return rows.map(fromLinkRow);
  }

  async list(afterSha: string, limit: number): Promise<CodeLinkRecord[]> {
    const { rows } = await this.pool.query<LinkRow>(
      'SELECT * FROM code_links WHERE code_sha > $1 ORDER BY code_sha LIMIT $2',
      [afterSha, limit],
    );
    return rows.map(fromLinkRow);
  }

  async claimDelivery(forge: string, deliveryId: string, now = Date.now()): Promise<boolean> {
    // Atomic like the idempotency claims below: of two replicas claiming at once, one wins. A claim left processing
    // past its lease (its replica was killed mid-way) is taken over; a finished one never. ISO times sort as text.
    const at = await this.clock.toDatabase(now);
    const res = await this.pool.query(
      `INSERT INTO webhook_deliveries (forge, delivery_id, received_at, status) VALUES ($1, $2, $3, 'processing')
       ON CONFLICT (forge, delivery_id) DO UPDATE SET received_at = excluded.received_at
       WHERE webhook_deliveries.status = 'processing' AND webhook_deliveries.received_at COLLATE "C" < $4`,
      [forge, deliveryId, new Date(at).toISOString(), new Date(at - DELIVERY_CLAIM_LEASE_MS).toISOString()],
    );
    return res.rowCount === 1;
  }

  async finishDelivery(forge: string, deliveryId: string, result: unknown): Promise<void> {
    await this.pool.query(
      `UPDATE webhook_deliveries SET status = 'done', result = $1 WHERE forge = $2 AND delivery_id = $3`,
      [JSON.stringify(result ?? null), forge, deliveryId],
    );
  }

  async releaseDelivery(forge: string, deliveryId: string): Promise<void> {
    await this.pool.query(
      `DELETE FROM webhook_deliveries WHERE forge = $1 AND delivery_id = $2 AND status = 'processing'`,
      [forge, deliveryId],
    );
  }

  async getDelivery(forge: string, deliveryId: string): Promise<WebhookDeliveryRecord | undefined> {
    const { rows } = await this.pool.query<DeliveryRow>(
      'SELECT * FROM webhook_deliveries WHERE forge = $1 AND delivery_id = $2',
      [forge, deliveryId],
    );
    if (!rows[0]) return undefined;
    const record = fromDeliveryRow(rows[0]);
    const received = Date.parse(record.receivedAt);
    return Number.isNaN(received)
      ? record
      : { ...record, receivedAt: new Date(await this.clock.toLocal(received)).toISOString() };
  }
}

/**
 * Idempotency-Key outcomes on PostgreSQL (migration 102); the first recorded outcome of a key wins. Claims of running
 * requests (migration 104) are taken by one upsert that only one replica can win.
 *
 * @example await new PostgresIdempotency(pool).put({ key, fingerprint, status: 200, headers, body, createdMs })
 */
export class PostgresIdempotency implements IdempotencyRecords {
  constructor(
    private readonly pool: Pool,
    readonly retentionMs = 24 * 60 * 60 * 1000,
    /** Times are kept in the database's clock, so replicas with clocks apart agree on leases and retention. */
    private readonly clock = new DatabaseClock(pool),
  ) {}

  async get(key: string, now = Date.now()): Promise<IdempotentOutcome | undefined> {
    const { rows } = await this.pool.query<IdempotencyRow>(
      'SELECT * FROM idempotency_keys WHERE idempotency_key = $1',
      [key],
    );
    const row = rows[0];
    if (!row || Number(row.created_ms) < (await this.clock.toDatabase(now)) - this.retentionMs) return undefined;
    const outcome = fromIdempotencyRow(row);
    return { ...outcome, createdMs: await this.clock.toLocal(outcome.createdMs) };
  }

  async put(o: IdempotentOutcome): Promise<void> {
    const created = await this.clock.toDatabase(o.createdMs);
    await this.pool.query(
      `INSERT INTO idempotency_keys (idempotency_key, fingerprint, status, headers, body, created_ms)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [o.key, o.fingerprint, o.status, JSON.stringify(o.headers), o.body, created],
    );
    // After the outcome, so a duplicate that finds the claim gone finds the outcome.
    await this.pool.query('DELETE FROM idempotency_claims WHERE idempotency_key = $1 OR expires_ms < $2', [
      o.key,
      created,
    ]);
    await this.pool.query('DELETE FROM idempotency_keys WHERE created_ms < $1', [created - this.retentionMs]);
  }

  async claim(local: IdempotencyClaim, localNow = Date.now()): Promise<IdempotencyClaim | undefined> {
    const c = { ...local, expiresMs: await this.clock.toDatabase(local.expiresMs) };
    const now = await this.clock.toDatabase(localNow);
    for (;;) {
      // INSERT … ON CONFLICT DO UPDATE … WHERE is atomic: of two replicas claiming at once, one updates (or inserts)
      // the row and the other waits for it, then finds it live and another's.
      const won = await this.pool.query(
        `INSERT INTO idempotency_claims (idempotency_key, fingerprint, holder, expires_ms) VALUES ($1, $2, $3, $4)
         ON CONFLICT (idempotency_key) DO UPDATE SET fingerprint = excluded.fingerprint, holder = excluded.holder,
           expires_ms = excluded.expires_ms
         WHERE idempotency_claims.holder = excluded.holder OR idempotency_claims.expires_ms <= $5`,
        [c.key, c.fingerprint, c.holder, c.expiresMs, now],
      );
      if (won.rowCount === 1) return undefined;
      const { rows } = await this.pool.query<ClaimRow>('SELECT * FROM idempotency_claims WHERE idempotency_key = $1', [
        c.key,
      ]);
      // Released or finished between the two statements: try again.
      if (rows[0]) {
        const other = fromClaimRow(rows[0]);
        return { ...other, expiresMs: await this.clock.toLocal(other.expiresMs) };
      }
    }
  }

  async release(key: string, holder: string): Promise<void> {
    await this.pool.query('DELETE FROM idempotency_claims WHERE idempotency_key = $1 AND holder = $2', [key, holder]);
  }
}
