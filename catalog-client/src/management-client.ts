import {
  commit,
  log,
  type CommitMetaInput,
  type CommitResponse,
  type LogEntry,
  type Operation,
} from './management/commits.ts';
import { entries, getContent, getContents, type Entry } from './management/contents.ts';
import { diff, type DiffEntry } from './management/diff.ts';
import {
  clearPendingMerge,
  getCodeLink,
  listPendingMerges,
  putCodeLink,
  type CodeLink,
  type PendingMerge,
} from './management/git-lockstep.ts';
import { gc, reflog, type GcOptions, type GcReport, type ReflogEntry } from './management/maintenance.ts';
import { merge, transplant, type MergeOptions, type MergeResponse } from './management/merge.ts';
import {
  assignReference,
  createReference,
  deleteReference,
  getConfig,
  getReference,
  listReferences,
  type ManagementConfig,
} from './management/references.ts';
import type {
  Content,
  ContentKey,
  EffectiveReference,
  Paged,
  PageOptions,
  Reference,
  ReferenceType,
} from './management/shapes.ts';
import { ManagementTransport, type ManagementClientOptions } from './management/transport.ts';

export { ManagementApiError } from './management/management-api-error.ts';
export { encodeKey, formatKeyText, parseKeyText, refPath } from './management/key-text.ts';
export type { ManagementClientOptions } from './management/transport.ts';
export type {
  Content,
  ContentKey,
  EffectiveReference,
  Paged,
  PageOptions,
  Reference,
  ReferenceType,
} from './management/shapes.ts';
export type { CommitMeta, CommitMetaInput, CommitResponse, LogEntry, Operation } from './management/commits.ts';
export type { Entry } from './management/contents.ts';
export type { DiffEntry } from './management/diff.ts';
export type { MergeBehavior, MergeOptions, MergeResponse } from './management/merge.ts';
export type { CodeLink, PendingMerge } from './management/git-lockstep.ts';
export type { GcReport, ReflogEntry } from './management/maintenance.ts';

/**
 * Typed client for the management API (`/api/v2`, Nessie REST v2 shapes). It works against Ratatouille and against
 * a real Nessie server alike. Used by the `rat` CLI and git-sync. One method per endpoint; each resource's requests
 * live in `management/` (references, contents, commits, diff, merge, git lockstep, maintenance).
 *
 * @example
 *   const api = new ManagementClient({ server: 'http://127.0.0.1:8181' });
 *   const main = await api.getReference('main');
 *   await api.createReference('feature/x', 'BRANCH', main);
 */
export class ManagementClient {
  readonly baseUrl: string;
  private readonly transport: ManagementTransport;

  constructor(opts: ManagementClientOptions) {
    this.transport = new ManagementTransport(opts);
    this.baseUrl = this.transport.baseUrl;
  }

  /** `GET /config`: default branch, spec version, the no-ancestor (root) hash. */
  getConfig(): Promise<ManagementConfig> {
    return getConfig(this.transport);
  }

  /** Every branch and tag (follows paging to the end). */
  listReferences(): Promise<Reference[]> {
    return listReferences(this.transport);
  }

  getReference(name: string): Promise<Reference> {
    return getReference(this.transport, name);
  }

  /** Creates `name` at the commit `from` points at (`from` = an existing reference, e.g. from getReference). */
  createReference(name: string, type: ReferenceType, from: Reference): Promise<Reference> {
    return createReference(this.transport, name, type, from);
  }

  /** Deletes `name` if it is still at `expectedHash` (409 otherwise). */
  deleteReference(name: string, expectedHash: string, type?: ReferenceType): Promise<Reference> {
    return deleteReference(this.transport, name, expectedHash, type);
  }

  /** Moves `name` from `expectedHash` to the commit `to` points at (409 if `name` moved meanwhile). */
  assignReference(name: string, expectedHash: string, to: Reference, type?: ReferenceType): Promise<Reference> {
    return assignReference(this.transport, name, expectedHash, to, type);
  }

  /** One page of history, newest first. `ref` is a `{ref}` path element (see refPath). */
  log(ref: string, opts: PageOptions & { fetchAll?: boolean } = {}): Promise<Paged & { logEntries: LogEntry[] }> {
    return log(this.transport, ref, opts);
  }

  entries(
    ref: string,
    opts: PageOptions & { prefix?: ContentKey; withContent?: boolean } = {},
  ): Promise<Paged & { entries: Entry[]; effectiveReference: EffectiveReference }> {
    return entries(this.transport, ref, opts);
  }

  /** Key-level differences from `from` to `to` (both `{ref}` path elements). */
  diff(
    from: string,
    to: string,
    opts: PageOptions & { prefix?: ContentKey } = {},
  ): Promise<
    Paged & { diffs: DiffEntry[]; effectiveFromReference: EffectiveReference; effectiveToReference: EffectiveReference }
  > {
    return diff(this.transport, from, to, opts);
  }

  /** The content at `key`, or undefined when there is none. */
  getContent(ref: string, key: ContentKey): Promise<Content | undefined> {
    return getContent(this.transport, ref, key);
  }

  getContents(
    ref: string,
    keys: ContentKey[],
  ): Promise<{ contents: Array<{ key: ContentKey; content: Content }>; effectiveReference: EffectiveReference }> {
    return getContents(this.transport, ref, keys);
  }

  /** One atomic commit on `branch`, based on `expectedHash`. */
  commit(
    branch: string,
    expectedHash: string,
    meta: CommitMetaInput,
    operations: Operation[],
  ): Promise<CommitResponse> {
    return commit(this.transport, branch, expectedHash, meta, operations);
  }

  /** Merges `from` (at its hash) into `branch` (expected at `expectedHash`). */
  merge(branch: string, expectedHash: string, from: Reference, opts: MergeOptions = {}): Promise<MergeResponse> {
    return merge(this.transport, branch, expectedHash, from, opts);
  }

  /** Copies the commits `hashes` (oldest first) of `fromRefName` onto `branch`. */
  transplant(
    branch: string,
    expectedHash: string,
    fromRefName: string,
    hashes: string[],
    opts: MergeOptions = {},
  ): Promise<MergeResponse> {
    return transplant(this.transport, branch, expectedHash, fromRefName, hashes, opts);
  }

  /** Ratatouille extension (git lockstep): the data commit code commit `sha` saw, or undefined when none is recorded. */
  getCodeLink(sha: string): Promise<CodeLink | undefined> {
    return getCodeLink(this.transport, sha);
  }

  /** Ratatouille extension (git lockstep): records that code commit `sha` saw data commit `dataHash` of `dataRef`. */
  putCodeLink(sha: string, link: { dataRef: string; dataHash: string; codeBranch?: string }): Promise<CodeLink> {
    return putCodeLink(this.transport, sha, link);
  }

  /** Ratatouille extension (git lockstep): forge merges into data branch `target` waiting for `rat sync`. */
  listPendingMerges(target: string): Promise<PendingMerge[]> {
    return listPendingMerges(this.transport, target);
  }

  /** Ratatouille extension (git lockstep): forgets a pending forge merge once finished or settled (idempotent). */
  clearPendingMerge(id: string, target: string): Promise<void> {
    return clearPendingMerge(this.transport, id, target);
  }

  /** Ratatouille extension (not in Nessie): ref head moves, newest first. */
  reflog(opts: PageOptions & { ref?: string } = {}): Promise<Paged & { logEntries: ReflogEntry[] }> {
    return reflog(this.transport, opts);
  }

  /** Branch-aware garbage collection of the warehouses (`rat gc`); `dryRun` lists without deleting. */
  gc(opts: GcOptions = {}): Promise<GcReport> {
    return gc(this.transport, opts);
  }
}
