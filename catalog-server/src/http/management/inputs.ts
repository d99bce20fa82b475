/**
 * Nessie's request shapes (validated by schemas.ts) → the service's inputs: commit meta, content to put, merge flags.
 * Pure conversions, so that handlers stay one service call.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CommitMeta, ContentInput, ContentKey, Operation } from '../../store/types.ts';
import type { MergeFlags } from '../../service/management/writes.ts';
import type { GcOptions } from '../../service/storage/gc.ts';
import { parseRetention } from '../../service/storage/retention.ts';
import type { CommitMetaInput, ContentInputBody } from './schemas.ts';

/**
 * Nessie's commit meta input → the store's. Nessie has lists of authors and multi-valued properties; the store keeps
 * one author and single values, so the first author and the last value of a multi-valued property win.
 *
 * @example toStoreMeta({ message: 'load', authors: ['a', 'b'] }) // { message: 'load', author: 'a' }
 */
export function toStoreMeta(m: Partial<CommitMetaInput> | undefined, fallbackMessage?: string): CommitMeta {
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

/**
 * Nessie's commit headers on a write: `Nessie-Commit-Message` replaces the message, `Nessie-Commit-Authors` and
 * `Nessie-Commit-SignedOffBy` (comma-separated) add to the lists, as Nessie's server reads them.
 *
 * @example withCommitHeaders({ message: 'm' }, { 'nessie-commit-authors': 'ann, bo' }) // { message: 'm', authors: ['ann', 'bo'] }
 */
export function withCommitHeaders<T extends Partial<CommitMetaInput>>(meta: T, headers: IncomingHttpHeaders): T {
  const list = (name: string) =>
    [headers[name] ?? []]
      .flat()
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '');
  const message = [headers['nessie-commit-message'] ?? []]
    .flat()
    .map((v) => v.trim())
    .find((v) => v !== '');
  const authors = list('nessie-commit-authors');
  const signedOffBy = list('nessie-commit-signedoffby');
  return {
    ...meta,
    ...(message !== undefined ? { message } : {}),
    ...(authors.length > 0 ? { authors: [...(meta.authors ?? (meta.author ? [meta.author] : [])), ...authors] } : {}),
    ...(signedOffBy.length > 0 ? { allSignedOffBy: [...(meta.allSignedOffBy ?? []), ...signedOffBy] } : {}),
  };
}

/** A commit's operations with what Nessie infers filled in (see {@link contentInput}). */
export function toOperations(
  ops: ReadonlyArray<
    | { type: 'PUT'; key: ContentKey; content: ContentInputBody }
    | { type: 'DELETE'; key: ContentKey }
    | { type: 'UNCHANGED'; key: ContentKey }
  >,
): Operation[] {
  return ops.map((op) =>
    op.type === 'PUT' ? { type: 'PUT', key: op.key, content: contentInput(op.key, op.content) } : op,
  );
}

/** Fills what Nessie infers: a namespace's elements are its key's, its properties default to none. */
function contentInput(key: ContentKey, body: ContentInputBody): ContentInput {
  // Nessie's Java client may send explicit nulls for unset optional fields; the store wants them absent.
  const c = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && v !== undefined)) as typeof body;
  if (c.type === 'NAMESPACE') {
    return {
      type: 'NAMESPACE',
      ...(c.id ? { id: c.id } : {}),
      elements: c.elements ?? key.elements,
      properties: c.properties ?? {},
    };
  }
  return c as ContentInput;
}

/**
 * Both spellings of the merge flags (see schemas.ts) folded into the service's options.
 *
 * @example mergeFlags({ isDryRun: true }) // { dryRun: true, returnConflictAsResult: false }
 */
export function mergeFlags(b: {
  dryRun?: boolean;
  isDryRun?: boolean;
  returnConflictAsResult?: boolean;
  isReturnConflictAsResult?: boolean;
  keyMergeModes?: Array<{ key: ContentKey; mergeBehavior: 'NORMAL' | 'FORCE' | 'DROP' }>;
  defaultKeyMergeMode?: 'NORMAL' | 'FORCE' | 'DROP';
}): MergeFlags {
  return {
    dryRun: b.isDryRun ?? b.dryRun ?? false,
    returnConflictAsResult: b.isReturnConflictAsResult ?? b.returnConflictAsResult ?? false,
    ...(b.defaultKeyMergeMode ? { defaultKeyMergeMode: b.defaultKeyMergeMode } : {}),
    ...(b.keyMergeModes ? { keyMergeModes: b.keyMergeModes } : {}),
  };
}

/**
 * `POST /rat/gc`'s durations (`7d`, `12h`, `0`, `all` for keepHistory) as the collector's options.
 *
 * @example gcOptions({ keepHistory: 'all', dryRun: true }) // { dryRun: true, keepHistoryMs: 'all', ... }
 */
export function gcOptions(b: {
  dryRun?: boolean;
  keepHistory?: string;
  gracePeriod?: string;
  snapshots?: 'all' | 'refs';
}): GcOptions {
  return {
    dryRun: b.dryRun,
    keepHistoryMs: b.keepHistory === undefined ? undefined : (parseRetention(b.keepHistory) ?? 'all'),
    graceMs: b.gracePeriod === undefined ? undefined : (parseRetention(b.gracePeriod) ?? Infinity),
    snapshots: b.snapshots,
  };
}
