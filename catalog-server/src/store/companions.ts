/**
 * The catalog's tables beside the versioned store, as ports that each backend implements (SQLite: store/sqlite/,
 * PostgreSQL: store/postgres/): git lockstep's code links, webhook deliveries and pending forge merges, and
 * Idempotency-Key outcomes.
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

/** Where a listing of links by data hash resumes: after the link recorded at `recordedAt` with code sha `sha`. */
export interface LinkPosition {
  recordedAt: string;
  sha: string;
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
  /**
   * Code commits that saw data commit `dataHash`, newest first (by `recordedAt`, then by sha, descending), at most
   * `limit` (default 100) of them after the position `after` (a link's `recordedAt` and `sha`), for paging.
   */
  byDataHash(dataHash: string, page?: { limit?: number; after?: LinkPosition }): Promise<CodeLinkRecord[]>;
  /** All links in sha order, `limit` after `afterSha` (for copying a catalog). */
  list(afterSha: string, limit: number): Promise<CodeLinkRecord[]>;
  /**
   * Claims a delivery; false when it was seen before (a replay) or is being handled right now. A claim still
   * `processing` after `DELIVERY_CLAIM_LEASE_MS` was left by a server that stopped mid-way (killed, crashed) and is
   * taken over, so the forge's retry is handled instead of being answered as a replay forever.
   */
  claimDelivery(forge: string, deliveryId: string, now?: number): Promise<boolean>;
  finishDelivery(forge: string, deliveryId: string, result: unknown): Promise<void>;
  /** Forgets a claimed delivery whose handling failed, so the forge's retry is handled afresh. */
  releaseDelivery(forge: string, deliveryId: string): Promise<void>;
  getDelivery(forge: string, deliveryId: string): Promise<WebhookDeliveryRecord | undefined>;
}

/**
 * How long a webhook delivery may stay `processing` before another claim takes it over: far longer than any forge
 * waits for an answer (GitHub 10 s, GitLab 10 s by default) and than a merge takes, so a live handler is never doubled.
 */
export const DELIVERY_CLAIM_LEASE_MS = 10 * 60_000;

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
 * A running request's hold on its Idempotency-Key, so that a duplicate (on any server of the catalog) waits for the
 * outcome instead of running too. It lapses at `expiresMs` unless its holder renews it; a lapsed claim (its server
 * died) may be taken over.
 */
export interface IdempotencyClaim {
  key: string;
  /** Method, path and body hash of the claiming request (a duplicate must match it). */
  fingerprint: string;
  /** A random id per request. */
  holder: string;
  /** Epoch milliseconds. */
  expiresMs: number;
}

/**
 * Outcomes of Iceberg REST mutations by Idempotency-Key, and claims of the ones still running. The first recorded
 * outcome of a key wins; a key has at most one live claim.
 *
 * @example if (!(await keys.claim({ key, fingerprint, holder, expiresMs: Date.now() + 30_000 }))) run()
 */
export interface IdempotencyRecords {
  /** The outcome recorded for `key`, unless it has expired. */
  get(key: string, now?: number): Promise<IdempotentOutcome | undefined>;
  /** Records an outcome, ends the key's claim and drops expired outcomes and lapsed claims. */
  put(o: IdempotentOutcome): Promise<void>;
  /**
   * Claims `c.key` for `c.holder` in one atomic step: taken when no claim exists, when the existing one lapsed before
   * `now`, or when `c.holder` already holds it (a renewal, moving `expiresMs`). Answers undefined when the claim is
   * `c.holder`'s, else the live claim of the other holder. It does not look at outcomes: a caller that won a claim
   * reads the outcome again, since one may have been recorded (ending the previous claim) just before.
   */
  claim(c: IdempotencyClaim, now?: number): Promise<IdempotencyClaim | undefined>;
  /** Ends `holder`'s claim on `key` without an outcome (the request failed), so a retry runs afresh. */
  release(key: string, holder: string): Promise<void>;
}

/**
 * A forge merge the server could not finish alone. `rebuild`: everything else was merged (commit `mergedHash`); the
 * `tables` are derived tables both sides changed, to be recomputed with the merged code by `rat sync` (merge with
 * rebuild). `conflict`: nothing was merged, because `blocking` tables (source data, tables no model produces) changed
 * on both sides; `rat sync` reports them and `rat sync --resolve theirs|ours` settles them.
 */
export interface PendingMergeRecord {
  id: string;
  /** Data branches. */
  sourceRef: string;
  targetRef: string;
  /** The source head the forge merge saw. */
  sourceHash: string;
  /** Code branches. */
  sourceBranch: string;
  targetBranch: string;
  mergeSha?: string;
  forge: string;
  request?: number;
  state: 'rebuild' | 'conflict';
  /** Every table both sides changed that the merge could not settle. */
  tables: string[];
  /** Those of `tables` no rebuild can settle. */
  blocking: string[];
  mergedHash?: string;
  recordedAt: string;
}

/**
 * Forge merges waiting for `rat sync` (git lockstep): recorded by the webhook's merge, listed by `rat status` and
 * `rat sync`, forgotten once finished.
 *
 * @example await pending.list('main') // what `rat sync` on main still has to finish
 */
export interface PendingMerges {
  /** Records (or replaces, for the same id) a pending merge. */
  put(rec: Omit<PendingMergeRecord, 'recordedAt'> & { recordedAt?: string }): Promise<PendingMergeRecord>;
  get(id: string): Promise<PendingMergeRecord | undefined>;
  /** Pending merges into data branch `targetRef` (every one without it), oldest first. */
  list(targetRef?: string): Promise<PendingMergeRecord[]>;
  /** Forgets a pending merge into `targetRef` once finished or settled; false when there was none. */
  delete(id: string, targetRef: string): Promise<boolean>;
}

/** A token signing key as stored: key id and the HS256 secret, base64url. */
export interface StoredSigningKey {
  kid: string;
  k: string;
}

/**
 * The token signing key every server of a replicated catalog shares, kept in the database so that a token one replica
 * issued verifies on all of them. The first server to start stores its freshly generated key; every other one (and
 * every later start) gets the stored one.
 *
 * @example const key = await keys.loadOrCreate({ kid: randomUUID(), k: randomBytes(32).toString('base64url') })
 */
export interface SharedSigningKey {
  loadOrCreate(fresh: StoredSigningKey): Promise<StoredSigningKey>;
}

/**
 * A table unregistered from a branch (Iceberg REST `unregister`): its files now belong to whoever registers its last
 * metadata file next, so the catalog's GC and purges leave them alone from then on.
 */
export interface ReleasedTableRecord {
  /** The table's metadata file when it was unregistered (what the answer named, and another catalog registers). */
  metadataLocation: string;
  /**
   * Folders under which the catalog no longer collects any file, written before or after the release (the table's
   * location and the write paths its properties named), as locations.
   */
  prefixes: string[];
  /** The branch it was unregistered from. */
  ref: string;
  /** The table's name there, namespace levels and name (`["sales", "orders"]`). */
  table: string[];
  /** ISO-8601. */
  releasedAt: string;
}

/**
 * Tables released to other catalogs. A record is written before the commit that removes the table from its branch and
 * forgotten again when that commit failed, or when an administrator takes the release back (`rat released --reclaim`,
 * once no other catalog uses the table); nothing else removes one (the files' new owner decides about them).
 *
 * @example for (const r of await released.list(undefined, 1000)) keep(r.prefixes)
 */
export interface ReleasedTables {
  /** Records a release (replacing one of the same `metadataLocation`). */
  put(rec: Omit<ReleasedTableRecord, 'releasedAt'> & { releasedAt?: string }): Promise<ReleasedTableRecord>;
  /** The release of `metadataLocation`, if it was released. */
  get(metadataLocation: string): Promise<ReleasedTableRecord | undefined>;
  /** Forgets the release of `metadataLocation` (its commit did not land, or it was taken back); false when none. */
  delete(metadataLocation: string): Promise<boolean>;
  /** Up to `limit` releases in `metadataLocation` order, after `after` when given (GC and copies read them all). */
  list(after: string | undefined, limit: number): Promise<ReleasedTableRecord[]>;
}
