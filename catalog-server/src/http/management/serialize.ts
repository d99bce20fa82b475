/**
 * Store objects → Nessie REST v2 JSON. Field names, nesting and the null-vs-absent choices follow what Nessie 0.99
 * returns (checked against the real server), so Nessie clients parse our responses unchanged.
 */
import type {
  Commit,
  CommitResult,
  CommitWithOperations,
  Content,
  ContentInput,
  ContentKey,
  DiffEntry,
  EntrySummary,
  MergeKeyDetail,
  MergeResult,
  Page,
  ReflogEntry,
  ResolvedRef,
} from '../../store/types.ts';
import type { HeadPointer, ListedReference } from '../../service/management/references.ts';
import type { RevertResult } from '../../service/management/revert.ts';
import { exactInt64 } from '../../service/int64.ts';

export interface NessieReference {
  type: 'BRANCH' | 'TAG' | 'DETACHED';
  name?: string;
  hash: string;
}

/** A resolved `{ref}` as Nessie's `effectiveReference`: a detached hash has type DETACHED and no name. */
export function effectiveReference(r: ResolvedRef): NessieReference {
  if (r.name === null || r.type === null) return { type: 'DETACHED', hash: r.hash };
  return { type: r.type, name: r.name, hash: r.hash };
}

/** Nessie omits a namespace's `properties` when empty and a view's optional `sqlText`/`dialect` when unset. */
/** A content in Nessie's shape; its 64-bit ids as bigints beyond 2^53, so send it with `sendJson` (exact numbers). */
export function contentJson(c: Content): Record<string, unknown> {
  if (c.type === 'NAMESPACE') {
    const out: Record<string, unknown> = { type: c.type, id: c.id, elements: c.elements };
    if (c.properties && Object.keys(c.properties).length > 0) out['properties'] = c.properties;
    return out;
  }
  const { type, id, ...rest } = withExactIds(c);
  return { type, id, ...rest };
}

/** A content, with or without its id, whose 64-bit ids are numbers or bigints (service/int64.ts). */
function withExactIds(c: Content | ContentInput): Record<string, unknown> {
  if (c.type === 'ICEBERG_TABLE') return { ...c, snapshotId: exactInt64(c.snapshotId) };
  if (c.type === 'ICEBERG_VIEW') return { ...c, versionId: exactInt64(c.versionId) };
  return { ...c };
}

/** A revert's answer, its restored contents' ids exact (send with `sendJson`). */
export function revertJson(r: RevertResult): Record<string, unknown> {
  return {
    ...r,
    operations: r.operations.map((op) => (op.type === 'PUT' ? { ...op, content: withExactIds(op.content) } : op)),
  };
}

export function keyJson(k: ContentKey): { elements: string[] } {
  return { elements: k.elements };
}

export function commitMetaJson(c: Commit): Record<string, unknown> {
  const out: Record<string, unknown> = {
    hash: c.hash,
    committer: c.committer,
    authors: [c.author],
    allSignedOffBy: [],
    message: c.message,
    commitTime: c.commitTime,
    authorTime: c.authorTime,
  };
  const props = Object.entries(c.properties ?? {});
  if (props.length > 0) {
    out['allProperties'] = Object.fromEntries(props.map(([k, v]) => [k, [v]]));
  }
  out['parentCommitHashes'] = c.parentHashes;
  return out;
}

/**
 * A reference in Nessie's shape; with its metadata (`fetch=ALL`) as Nessie's `ReferenceMetadata`, absent counts and
 * ancestor as null.
 */
export function referenceJson(r: ListedReference): Record<string, unknown> {
  const out: Record<string, unknown> = { type: r.type, name: r.name, hash: r.hash };
  if (r.metadata) {
    const m = r.metadata;
    out['metadata'] = {
      numCommitsAhead: m.numCommitsAhead,
      numCommitsBehind: m.numCommitsBehind,
      commitMetaOfHEAD: m.commitMetaOfHEAD ? commitMetaJson(m.commitMetaOfHEAD) : null,
      commonAncestorHash: m.commonAncestorHash,
      numTotalCommits: m.numTotalCommits,
    };
  }
  return out;
}

export function logEntryJson(c: Commit | CommitWithOperations, withOperations: boolean): Record<string, unknown> {
  const ops =
    withOperations && 'operations' in c
      ? c.operations.map((op) =>
          op.type === 'PUT'
            ? { type: 'PUT', key: keyJson(op.key), content: contentJson(op.content), documentation: null }
            : { type: 'DELETE', key: keyJson(op.key) },
        )
      : null;
  return { commitMeta: commitMetaJson(c), parentCommitHash: c.parentHashes[0] ?? null, operations: ops };
}

export function pageJson<T, K extends string>(field: K, page: Page<T>, map: (t: T) => unknown) {
  return { token: page.token ?? null, [field]: page.items.map(map), hasMore: page.token !== undefined } as {
    token: string | null;
    hasMore: boolean;
  } & Record<K, unknown[]>;
}

/**
 * A merge or transplant result in Nessie's shape. `ratDetails` (asked for with `?rat-details=true`) adds per key the
 * `outcome`, for replayed tables the `resolution`, and on a content-aware refusal the conflict's `kinds`: Nessie's
 * Java client refuses fields its model lacks, so they are only sent to callers that ask.
 */
export function mergeResponseJson(r: MergeResult, opts: { ratDetails?: boolean } = {}): Record<string, unknown> {
  return {
    wasApplied: r.wasApplied,
    wasSuccessful: r.wasSuccessful,
    resultantTargetHash: r.resultantTargetHash,
    commonAncestor: r.commonAncestor,
    targetBranch: r.targetBranch,
    effectiveTargetHash: r.effectiveTargetHash,
    expectedHash: r.expectedHash ?? null,
    details: r.details.map((d) => ({
      key: keyJson(d.key),
      mergeBehavior: d.mergeBehavior,
      ...(d.conflict ? { conflict: conflictJson(d.conflict, opts) } : {}),
      // Ratatouille additions beside Nessie's fields: what happened to the key and, for resolved keys, how.
      ...(opts.ratDetails && d.outcome ? { outcome: d.outcome } : {}),
      ...(opts.ratDetails && d.resolution ? { resolution: d.resolution } : {}),
    })),
  };
}

/** A key's conflict in Nessie's shape; its `kinds` (what git-sync decides on) only for `ratDetails` callers. */
function conflictJson(c: NonNullable<MergeKeyDetail['conflict']>, opts: { ratDetails?: boolean }) {
  const { kinds, ...nessie } = c;
  return { ...nessie, key: keyJson(c.key), ...(opts.ratDetails && kinds ? { kinds } : {}) };
}

export function reflogEntryJson(e: ReflogEntry): Record<string, unknown> {
  return { ...e };
}

/** A commit's answer: the branch's new head and the content ids of keys it created (Nessie: null, not [], for none). */
export function commitResponseJson(c: { branch: string; result: CommitResult }): Record<string, unknown> {
  return {
    targetBranch: { type: 'BRANCH', name: c.branch, hash: c.result.hash },
    addedContents:
      c.result.addedContents.length > 0
        ? c.result.addedContents.map((a) => ({ key: keyJson(a.key), contentId: a.contentId }))
        : null,
  };
}

export function entriesJson(e: {
  at: ResolvedRef;
  page: Page<{ entry: EntrySummary; content: Content | null }>;
}): Record<string, unknown> {
  return {
    ...pageJson('entries', e.page, ({ entry, content }) => ({
      type: entry.type,
      name: keyJson(entry.key),
      contentId: entry.contentId,
      content: content ? contentJson(content) : null,
    })),
    effectiveReference: effectiveReference(e.at),
  };
}

export function diffJson(d: { from: ResolvedRef; to: ResolvedRef; page: Page<DiffEntry> }): Record<string, unknown> {
  return {
    ...pageJson('diffs', d.page, (e) => ({
      key: keyJson(e.key),
      from: e.from ? contentJson(e.from) : null,
      to: e.to ? contentJson(e.to) : null,
    })),
    effectiveFromReference: effectiveReference(d.from),
    effectiveToReference: effectiveReference(d.to),
  };
}

export function contentsJson(c: {
  at: ResolvedRef;
  contents: Array<{ key: ContentKey; content: Content }>;
}): Record<string, unknown> {
  return {
    contents: c.contents.map(({ key, content }) => ({ key: keyJson(key), content: contentJson(content) })),
    effectiveReference: effectiveReference(c.at),
  };
}

/** Nessie's recent-changes answer; the root commit has no meta there (it is the "no ancestor" marker). */
export function recentChangesJson(r: {
  reference: { type: string; name: string; hash: string };
  current: HeadPointer;
  previous: HeadPointer[];
}): Record<string, unknown> {
  const pointer = (p: HeadPointer) => ({
    commitHash: p.hash,
    commitConsistency: 'COMMIT_CONSISTENT',
    meta: p.commit ? commitMetaJson(p.commit) : null,
  });
  return {
    reference: r.reference,
    current: pointer(r.current),
    previous: r.previous.map(pointer),
    commitLogConsistency: 'NOT_CHECKED',
  };
}
