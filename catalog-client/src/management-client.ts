import { commit, log } from './management/commits.ts';
import { entries, getContent, getContents } from './management/contents.ts';
import { allDiffs, diff } from './management/diff.ts';
import { compare } from './management/history.ts';
import { clearPendingMerge, getCodeLink, listPendingMerges, putCodeLink } from './management/git-lockstep.ts';
import { gc, reclaimReleasedTable, reflog, releasedTables } from './management/maintenance.ts';
import { merge, transplant } from './management/merge.ts';
import { revert } from './management/revert.ts';
import { rowDiff } from './management/row-diff.ts';
import { lineage } from './management/lineage.ts';
import {
  assignReference,
  createReference,
  deleteReference,
  getConfig,
  getReference,
  listReferences,
} from './management/references.ts';
import { ManagementTransport, type ManagementClientOptions } from './management/transport.ts';

export { ManagementApiError } from './management/management-api-error.ts';
export { encodeKey, formatKeyText, parseKeyText, refPath } from './management/key-text.ts';
export type { ManagementClientOptions } from './management/transport.ts';
export { logFilterExpression, type LogSelection } from './management/log-filter.ts';
export type * from './management/shapes.ts';
export type { CommitMeta, CommitMetaInput, CommitResponse, LogEntry, Operation } from './management/commits.ts';
export type { Entry } from './management/contents.ts';
export type { DiffEntry } from './management/diff.ts';
export type { Comparison } from './management/history.ts';
export type { RowDiff, RowDiffSide, RowText } from './management/row-diff.ts';
export { lineageDepths, type Lineage, type LineageTable } from './management/lineage.ts';
export type { ReferenceListing, ReferenceMetadata } from './management/references.ts';
export type { MergeBehavior, MergeOptions, MergeResponse } from './management/merge.ts';
export type { RevertOptions, RevertResponse } from './management/revert.ts';
export type { CodeLink, PendingMerge } from './management/git-lockstep.ts';
export type { GcReport, ReflogEntry, ReleasedTable } from './management/maintenance.ts';

/** A resource request's parameters after the transport: what the facade method of that request takes. */
type Args<F> = F extends (t: ManagementTransport, ...rest: infer R) => unknown ? R : never;

/**
 * Typed client for the management API (`/api/v2`, Nessie REST v2 shapes). It works against Ratatouille and against
 * a real Nessie server alike. Used by the `rat` CLI and git-sync. One method per endpoint, each the request of its
 * resource in `management/` (references, contents, commits, diff, history, merge, revert, git lockstep, maintenance)
 * on this client's connection, with that request's parameters and answer.
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
  getConfig() {
    return getConfig(this.transport);
  }

  /** Every branch and tag (follows paging to the end). */
  listReferences(...a: Args<typeof listReferences>) {
    return listReferences(this.transport, ...a);
  }

  getReference(...a: Args<typeof getReference>) {
    return getReference(this.transport, ...a);
  }

  /** Creates `name` at the commit `from` points at (`from` = an existing reference, e.g. from getReference). */
  createReference(...a: Args<typeof createReference>) {
    return createReference(this.transport, ...a);
  }

  /** Deletes `name` if it is still at `expectedHash` (409 otherwise). */
  deleteReference(...a: Args<typeof deleteReference>) {
    return deleteReference(this.transport, ...a);
  }

  /** Moves `name` from `expectedHash` to the commit `to` points at (409 if `name` moved meanwhile). */
  assignReference(...a: Args<typeof assignReference>) {
    return assignReference(this.transport, ...a);
  }

  /** One page of history, newest first. `ref` is a `{ref}` path element (see refPath). */
  log(...a: Args<typeof log>) {
    return log(this.transport, ...a);
  }

  entries(...a: Args<typeof entries>) {
    return entries(this.transport, ...a);
  }

  /** Key-level differences from `from` to `to` (both `{ref}` path elements). */
  diff(...a: Args<typeof diff>) {
    return diff(this.transport, ...a);
  }

  /** Every key-level difference between two refs (follows paging to the end). */
  allDiffs(...a: Args<typeof allDiffs>) {
    return allDiffs(this.transport, ...a);
  }

  /** The content at `key`, or undefined when there is none. */
  getContent(...a: Args<typeof getContent>) {
    return getContent(this.transport, ...a);
  }

  getContents(...a: Args<typeof getContents>) {
    return getContents(this.transport, ...a);
  }

  /** One atomic commit on `branch`, based on `expectedHash`. */
  commit(...a: Args<typeof commit>) {
    return commit(this.transport, ...a);
  }

  /** Merges `from` (at its hash) into `branch` (expected at `expectedHash`). */
  merge(...a: Args<typeof merge>) {
    return merge(this.transport, ...a);
  }

  /** Copies the commits `hashes` (oldest first) of `fromRefName` onto `branch`. */
  transplant(...a: Args<typeof transplant>) {
    return transplant(this.transport, ...a);
  }

  /** Ratatouille extension: undoes commit `hash` of `branch` (expected at `expectedHash`) with a new commit. */
  revert(...a: Args<typeof revert>) {
    return revert(this.transport, ...a);
  }

  /** Ratatouille extension (git lockstep): the data commit code commit `sha` saw, or undefined when none is recorded. */
  getCodeLink(...a: Args<typeof getCodeLink>) {
    return getCodeLink(this.transport, ...a);
  }

  /** Ratatouille extension (git lockstep): records that code commit `sha` saw data commit `dataHash` of `dataRef`. */
  putCodeLink(...a: Args<typeof putCodeLink>) {
    return putCodeLink(this.transport, ...a);
  }

  /** Ratatouille extension (git lockstep): forge merges into data branch `target` waiting for `rat sync`. */
  listPendingMerges(...a: Args<typeof listPendingMerges>) {
    return listPendingMerges(this.transport, ...a);
  }

  /** Ratatouille extension (git lockstep): forgets a pending forge merge once finished or settled (idempotent). */
  clearPendingMerge(...a: Args<typeof clearPendingMerge>) {
    return clearPendingMerge(this.transport, ...a);
  }

  /** Ratatouille extension (not in Nessie): ref head moves, newest first. */
  reflog(...a: Args<typeof reflog>) {
    return reflog(this.transport, ...a);
  }

  /** Commits reachable from one reference and not the other, both ways, and their merge base. */
  compare(...a: Args<typeof compare>) {
    return compare(this.transport, ...a);
  }

  /** Ratatouille extension: the rows of one table that differ between two references. */
  rowDiff(...a: Args<typeof rowDiff>) {
    return rowDiff(this.transport, ...a);
  }

  /** Ratatouille extension: which models produced the tables of a reference, from what, and what reads them. */
  lineage(...a: Args<typeof lineage>) {
    return lineage(this.transport, ...a);
  }

  /** Branch-aware garbage collection of the warehouses (`rat gc`); `dryRun` lists without deleting. */
  gc(...a: Args<typeof gc>) {
    return gc(this.transport, ...a);
  }

  /** Tables unregistered to other catalogs, whose folders GC leaves alone, a page at a time. */
  releasedTables(...a: Args<typeof releasedTables>) {
    return releasedTables(this.transport, ...a);
  }

  /** Takes a release back, so that GC may collect the table's files again. */
  reclaimReleasedTable(...a: Args<typeof reclaimReleasedTable>) {
    return reclaimReleasedTable(this.transport, ...a);
  }
}
