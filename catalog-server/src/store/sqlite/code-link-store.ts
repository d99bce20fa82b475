import type { Database, Statement } from 'better-sqlite3';
import type { CodeLinkRecord, CodeLinks, LinkPosition, WebhookDeliveryRecord } from '../companions.ts';
import { DELIVERY_CLAIM_LEASE_MS } from '../companions.ts';
import { fromDeliveryRow, fromLinkRow, type DeliveryRow, type LinkRow } from '../sql-rows.ts';

export type { CodeLinkRecord, WebhookDeliveryRecord } from '../companions.ts';

/**
 * git lockstep's tables beside the versioned store, in the same SQLite file (migrations 100 and 101): code sha → data
 * hash links, and the webhook deliveries already handled.
 *
 * @example const links = new CodeLinkStore(store.db); await links.put({ sha, dataRef: 'main', dataHash })
 */
export class CodeLinkStore implements CodeLinks {
  private readonly stmt: Record<string, Statement>;

  constructor(private readonly db: Database) {
    const p = (sql: string) => db.prepare(sql);
    this.stmt = {
      get: p('SELECT * FROM code_links WHERE code_sha = ?'),
      upsert: p(`INSERT INTO code_links (code_sha, data_ref, data_hash, code_branch, recorded_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(code_sha) DO UPDATE SET data_ref = excluded.data_ref, data_hash = excluded.data_hash,
        code_branch = excluded.code_branch, recorded_at = excluded.recorded_at`),
      // Newest first; the sha breaks ties between links recorded in the same millisecond, so pages resume exactly.
      byDataHash: p('SELECT * FROM code_links WHERE data_hash = ? ORDER BY recorded_at DESC, code_sha DESC LIMIT ?'),
      byDataHashAfter: p(
        `SELECT * FROM code_links WHERE data_hash = ? AND (recorded_at, code_sha) < (?, ?)
         ORDER BY recorded_at DESC, code_sha DESC LIMIT ?`,
      ),
      // A claim left processing past its lease is taken over (DELIVERY_CLAIM_LEASE_MS); a finished one never.
      claim: p(
        `INSERT INTO webhook_deliveries (forge, delivery_id, received_at, status) VALUES (?, ?, ?, 'processing')
         ON CONFLICT(forge, delivery_id) DO UPDATE SET received_at = excluded.received_at
         WHERE webhook_deliveries.status = 'processing' AND webhook_deliveries.received_at < ?`,
      ),
      finish: p(`UPDATE webhook_deliveries SET status = 'done', result = ? WHERE forge = ? AND delivery_id = ?`),
      release: p(`DELETE FROM webhook_deliveries WHERE forge = ? AND delivery_id = ? AND status = 'processing'`),
      getDelivery: p('SELECT * FROM webhook_deliveries WHERE forge = ? AND delivery_id = ?'),
      list: p('SELECT * FROM code_links WHERE code_sha > ? ORDER BY code_sha LIMIT ?'),
    };
  }

  async get(sha: string): Promise<CodeLinkRecord | undefined> {
    const row = this.stmt.get.get(sha.toLowerCase()) as LinkRow | undefined;
    return row ? fromLinkRow(row) : undefined;
  }

  /** Inserts or replaces the link of `sha` (a re-recorded commit, e.g. after `rat sync`, wins). */
  async put(link: Omit<CodeLinkRecord, 'recordedAt'> & { recordedAt?: string }): Promise<CodeLinkRecord> {
    const rec: CodeLinkRecord = {
      ...link,
      sha: link.sha.toLowerCase(),
      recordedAt: link.recordedAt ?? new Date().toISOString(),
    };
    this.stmt.upsert.run(rec.sha, rec.dataRef, rec.dataHash, rec.codeBranch ?? null, rec.recordedAt);
    return rec;
  }

  async list(afterSha: string, limit: number): Promise<CodeLinkRecord[]> {
    return (this.stmt.list.all(afterSha, limit) as LinkRow[]).map(fromLinkRow);
  }

  /** Code commits that saw data commit `dataHash`, newest first, `limit` after `after` (see CodeLinks). */
  async byDataHash(dataHash: string, page: { limit?: number; after?: LinkPosition } = {}): Promise<CodeLinkRecord[]> {
    const { limit = 100, after } = page;
    const rows = after
      ? this.stmt.byDataHashAfter.all(dataHash, after.recordedAt, after.sha, limit)
      : this.stmt.byDataHash.all(dataHash, limit);
    return (rows as LinkRow[]).map(fromLinkRow);
  }

  /** Claims a delivery; false when it was seen before (a replay) or is being handled right now (see CodeLinks). */
  async claimDelivery(forge: string, deliveryId: string, now = Date.now()): Promise<boolean> {
    const lapsed = new Date(now - DELIVERY_CLAIM_LEASE_MS).toISOString();
    return this.stmt.claim.run(forge, deliveryId, new Date(now).toISOString(), lapsed).changes === 1;
  }

  async finishDelivery(forge: string, deliveryId: string, result: unknown): Promise<void> {
    this.stmt.finish.run(JSON.stringify(result ?? null), forge, deliveryId);
  }

  /** Forgets a claimed delivery whose handling failed, so the forge's retry is handled afresh. */
  async releaseDelivery(forge: string, deliveryId: string): Promise<void> {
    this.stmt.release.run(forge, deliveryId);
  }

  async getDelivery(forge: string, deliveryId: string): Promise<WebhookDeliveryRecord | undefined> {
    const row = this.stmt.getDelivery.get(forge, deliveryId) as DeliveryRow | undefined;
    return row ? fromDeliveryRow(row) : undefined;
  }
}
