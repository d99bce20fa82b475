/**
 * The catalog's tables beside the versioned store, as ports that each backend implements (SQLite: store/sqlite/,
 * PostgreSQL: store/postgres/): git lockstep's code links and webhook deliveries, and Idempotency-Key outcomes.
 * Both are read from the database on every call (never cached), so every server of a replicated catalog sees the
 * same records.
 */

export interface CodeLinkRecord {
  sha: string;
  dataRef: string;
  dataHash: string;
  codeBranch?: string;
  recordedAt: string;
}

export interface WebhookDeliveryRecord {
  forge: string;
  deliveryId: string;
  receivedAt: string;
  status: 'processing' | 'done';
  result?: unknown;
}

/**
 * Code commit → data commit links written by git-sync's hook (and forge merges), and the webhook deliveries already
 * handled (claimed before the merge runs, released again if it fails).
 *
 * @example await links.put({ sha, dataRef: 'main', dataHash })
 */
export interface CodeLinks {
  get(sha: string): Promise<CodeLinkRecord | undefined>;
  /** Inserts or replaces the link of `sha` (a re-recorded commit, e.g. after `rat sync`, wins). */
  put(link: Omit<CodeLinkRecord, 'recordedAt'> & { recordedAt?: string }): Promise<CodeLinkRecord>;
  /** Code commits that saw data commit `dataHash`, newest first. */
  byDataHash(dataHash: string, limit?: number): Promise<CodeLinkRecord[]>;
  /** All links in sha order, `limit` after `afterSha` (for copying a catalog). */
  list(afterSha: string, limit: number): Promise<CodeLinkRecord[]>;
  /** Claims a delivery; false when it was seen before (a replay) or is being handled right now. */
  claimDelivery(forge: string, deliveryId: string): Promise<boolean>;
  finishDelivery(forge: string, deliveryId: string, result: unknown): Promise<void>;
  /** Forgets a claimed delivery whose handling failed, so the forge's retry is handled afresh. */
  releaseDelivery(forge: string, deliveryId: string): Promise<void>;
  getDelivery(forge: string, deliveryId: string): Promise<WebhookDeliveryRecord | undefined>;
}

/** The final outcome of a request sent with an Idempotency-Key. */
export interface IdempotentOutcome {
  key: string;
  /** Method, path and body hash of the request the key was first used for. */
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  createdMs: number;
}

/**
 * Finalized outcomes of Iceberg REST mutations by Idempotency-Key; the first recorded outcome of a key wins.
 *
 * @example await keys.put({ key, fingerprint, status: 200, headers, body, createdMs: Date.now() })
 */
export interface IdempotencyRecords {
  /** The outcome recorded for `key`, unless it has expired. */
  get(key: string, now?: number): Promise<IdempotentOutcome | undefined>;
  /** Records an outcome and drops expired ones. */
  put(o: IdempotentOutcome): Promise<void>;
}
