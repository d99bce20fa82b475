/**
 * Store objects → Nessie REST v2 JSON. Field names, nesting and the null-vs-absent choices follow what Nessie 0.99
 * returns (checked against the real server), so Nessie clients parse our responses unchanged.
 */
import type {
  Commit,
  CommitWithOperations,
  Content,
  ContentKey,
  MergeResult,
  Page,
  ReflogEntry,
  ResolvedRef,
} from '../../store/types.ts';
import type { CommitMeta as StoreCommitMeta } from '../../store/types.ts';
import type { CommitMetaInput } from './schemas.ts';

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
export function contentJson(c: Content): Record<string, unknown> {
  if (c.type === 'NAMESPACE') {
    const out: Record<string, unknown> = { type: c.type, id: c.id, elements: c.elements };
    if (c.properties && Object.keys(c.properties).length > 0) out['properties'] = c.properties;
    return out;
  }
  const { type, id, ...rest } = c;
  return { type, id, ...rest };
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
 * `outcome` and, for replayed tables, the `resolution`: Nessie's Java client refuses fields its model lacks, so they
 * are only sent to callers that ask.
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
      ...(d.conflict ? { conflict: { ...d.conflict, key: keyJson(d.conflict.key) } } : {}),
      // Ratatouille additions beside Nessie's fields: what happened to the key and, for resolved keys, how.
      ...(opts.ratDetails && d.outcome ? { outcome: d.outcome } : {}),
      ...(opts.ratDetails && d.resolution ? { resolution: d.resolution } : {}),
    })),
  };
}

export function reflogEntryJson(e: ReflogEntry): Record<string, unknown> {
  return { ...e };
}

/**
 * Nessie's commit meta input → the store's. Nessie has lists of authors and multi-valued properties; the store keeps
 * one author and single values, so the first author and the last value of a multi-valued property win.
 */
export function toStoreMeta(m: Partial<CommitMetaInput> | undefined, fallbackMessage?: string): StoreCommitMeta {
  const properties: Record<string, string> = { ...(m?.properties ?? {}) };
  for (const [k, vs] of Object.entries(m?.allProperties ?? {})) if (vs.length > 0) properties[k] = vs[vs.length - 1]!;
  const author = m?.author ?? m?.authors?.[0] ?? undefined;
  const message = m?.message !== undefined && m.message !== '' ? m.message : (fallbackMessage ?? m?.message ?? '');
  return {
    message,
    ...(author != null && author !== '' ? { author } : {}),
    ...(m?.authorTime != null ? { authorTime: m.authorTime } : {}),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };
}
