import type {
  CodeLinkRecord,
  IdempotencyClaim,
  IdempotentOutcome,
  PendingMergeRecord,
  ReleasedTableRecord,
  WebhookDeliveryRecord,
} from './companions.ts';
import type { AncestorNode, CommitRecord } from './core/persistence.ts';
import type { ReferenceType, ReflogEntry } from './types.ts';

/**
 * Row shapes of the catalog tables and their mapping to records, shared by the SQL backends (the SQLite and
 * PostgreSQL schemas have the same columns). PostgreSQL returns BIGINT columns as strings, hence `number | string`.
 */
export interface CommitRow {
  hash: string;
  parent: string | null;
  merge_parent: string | null;
  tree: string;
  generation: number;
  author: string;
  committer: string;
  message: string;
  author_time: string;
  commit_time: string;
  commit_ms: number | string;
  properties: string;
  operations: string;
}

/** The commit columns in insert order (for positional parameters). */
export const COMMIT_COLUMNS = [
  'hash',
  'parent',
  'merge_parent',
  'tree',
  'generation',
  'author',
  'committer',
  'message',
  'author_time',
  'commit_time',
  'commit_ms',
  'properties',
  'operations',
] as const satisfies ReadonlyArray<keyof CommitRow>;

export function toCommitRow(c: CommitRecord): CommitRow {
  return {
    hash: c.hash,
    parent: c.parents[0] ?? null,
    merge_parent: c.parents[1] ?? null,
    tree: c.tree,
    generation: c.generation,
    author: c.author,
    committer: c.committer,
    message: c.message,
    author_time: c.authorTime,
    commit_time: c.commitTime,
    commit_ms: c.commitMs,
    properties: JSON.stringify(c.properties),
    operations: JSON.stringify(c.operations),
  };
}

/** A commit row's two parent columns as the commit's parent list (first parent first). */
function parentsOf(r: { parent: string | null; merge_parent: string | null }): string[] {
  return r.merge_parent ? [r.parent!, r.merge_parent] : r.parent ? [r.parent] : [];
}

/** An ancestor row (hash, parent, merge_parent, generation, commit_time), as a walk down the history reads it. */
export function fromAncestorRow(r: AncestorRow): AncestorNode {
  return { hash: r.hash, parents: parentsOf(r), generation: Number(r.generation), commitTime: r.commit_time };
}

export type AncestorRow = Pick<CommitRow, 'hash' | 'parent' | 'merge_parent' | 'generation' | 'commit_time'>;

export function fromCommitRow(r: CommitRow): CommitRecord {
  return {
    hash: r.hash,
    parents: parentsOf(r),
    tree: r.tree,
    generation: r.generation,
    author: r.author,
    committer: r.committer,
    message: r.message,
    authorTime: r.author_time,
    commitTime: r.commit_time,
    commitMs: Number(r.commit_ms),
    properties: JSON.parse(r.properties) as Record<string, string>,
    operations: JSON.parse(r.operations) as CommitRecord['operations'],
  };
}

export interface LogRow {
  id: number | string;
  ref_name: string;
  ref_type: ReferenceType;
  previous_hash: string | null;
  new_hash: string | null;
  operation: ReflogEntry['operation'];
  at: string;
}

export function fromLogRow(r: LogRow) {
  return {
    id: Number(r.id),
    refName: r.ref_name,
    refType: r.ref_type,
    previousHash: r.previous_hash,
    newHash: r.new_hash,
    operation: r.operation,
    at: r.at,
  };
}

export interface LinkRow {
  code_sha: string;
  data_ref: string;
  data_hash: string;
  code_branch: string | null;
  recorded_at: string;
}

export function fromLinkRow(r: LinkRow): CodeLinkRecord {
  return {
    sha: r.code_sha,
    dataRef: r.data_ref,
    dataHash: r.data_hash,
    ...(r.code_branch ? { codeBranch: r.code_branch } : {}),
    recordedAt: r.recorded_at,
  };
}

export interface DeliveryRow {
  forge: string;
  delivery_id: string;
  received_at: string;
  status: 'processing' | 'done';
  result: string | null;
}

export function fromDeliveryRow(row: DeliveryRow): WebhookDeliveryRecord {
  return {
    forge: row.forge,
    deliveryId: row.delivery_id,
    receivedAt: row.received_at,
    status: row.status,
    result: row.result ? (JSON.parse(row.result) as unknown) : undefined,
  };
}

export interface IdempotencyRow {
  idempotency_key: string;
  fingerprint: string;
  status: number;
  headers: string;
  body: Buffer;
  created_ms: number | string;
}

export function fromIdempotencyRow(row: IdempotencyRow): IdempotentOutcome {
  return {
    key: row.idempotency_key,
    fingerprint: row.fingerprint,
    status: row.status,
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: row.body,
    createdMs: Number(row.created_ms),
  };
}

export interface ClaimRow {
  idempotency_key: string;
  fingerprint: string;
  holder: string;
  expires_ms: number | string;
}

export function fromClaimRow(row: ClaimRow): IdempotencyClaim {
  return {
    key: row.idempotency_key,
    fingerprint: row.fingerprint,
    holder: row.holder,
    expiresMs: Number(row.expires_ms),
  };
}

export interface PendingMergeRow {
  id: string;
  target_ref: string;
  source_ref: string;
  source_hash: string;
  source_branch: string;
  target_branch: string;
  merge_sha: string | null;
  forge: string;
  request: number | null;
  state: 'rebuild' | 'conflict';
  tables: string;
  blocking: string;
  merged_hash: string | null;
  recorded_at: string;
}

/** The columns of `pending_merges` in insert order (both backends). */
export const PENDING_MERGE_COLUMNS = [
  'id',
  'target_ref',
  'source_ref',
  'source_hash',
  'source_branch',
  'target_branch',
  'merge_sha',
  'forge',
  'request',
  'state',
  'tables',
  'blocking',
  'merged_hash',
  'recorded_at',
] as const satisfies ReadonlyArray<keyof PendingMergeRow>;

export function toPendingMergeRow(p: PendingMergeRecord): PendingMergeRow {
  return {
    id: p.id,
    target_ref: p.targetRef,
    source_ref: p.sourceRef,
    source_hash: p.sourceHash,
    source_branch: p.sourceBranch,
    target_branch: p.targetBranch,
    merge_sha: p.mergeSha ?? null,
    forge: p.forge,
    request: p.request ?? null,
    state: p.state,
    tables: JSON.stringify(p.tables),
    blocking: JSON.stringify(p.blocking),
    merged_hash: p.mergedHash ?? null,
    recorded_at: p.recordedAt,
  };
}

export function fromPendingMergeRow(r: PendingMergeRow): PendingMergeRecord {
  return {
    id: r.id,
    sourceRef: r.source_ref,
    targetRef: r.target_ref,
    sourceHash: r.source_hash,
    sourceBranch: r.source_branch,
    targetBranch: r.target_branch,
    ...(r.merge_sha ? { mergeSha: r.merge_sha } : {}),
    forge: r.forge,
    ...(r.request !== null ? { request: Number(r.request) } : {}),
    state: r.state,
    tables: JSON.parse(r.tables) as string[],
    blocking: JSON.parse(r.blocking) as string[],
    ...(r.merged_hash ? { mergedHash: r.merged_hash } : {}),
    recordedAt: r.recorded_at,
  };
}

export interface ReleasedTableRow {
  metadata_location: string;
  prefixes: string;
  ref: string;
  table_name: string;
  released_at: string;
}

/** The columns of `released_tables` in insert order (both backends). */
export const RELEASED_TABLE_COLUMNS = [
  'metadata_location',
  'prefixes',
  'ref',
  'table_name',
  'released_at',
] as const satisfies ReadonlyArray<keyof ReleasedTableRow>;

export function toReleasedTableRow(r: ReleasedTableRecord): ReleasedTableRow {
  return {
    metadata_location: r.metadataLocation,
    prefixes: JSON.stringify(r.prefixes),
    ref: r.ref,
    table_name: JSON.stringify(r.table),
    released_at: r.releasedAt,
  };
}

export function fromReleasedTableRow(r: ReleasedTableRow): ReleasedTableRecord {
  return {
    metadataLocation: r.metadata_location,
    prefixes: JSON.parse(r.prefixes) as string[],
    ref: r.ref,
    table: JSON.parse(r.table_name) as string[],
    releasedAt: r.released_at,
  };
}
