import type { PendingMerge } from '@ratatouille/catalog-client';

export type { PendingMerge };

/**
 * What git-sync needs from the catalog server, in Nessie REST v2 terms. git-sync talks to the server over HTTP only
 * (`httpDataCatalog`); tests may pass any object with this shape.
 */
export interface DataReference {
  type: 'BRANCH' | 'TAG';
  name: string;
  hash: string;
}

/**
 * What a merge takes data from: a reference at a commit, or a bare commit (`DETACHED@<hash>`, Nessie's spelling)
 * when its branch has been deleted since.
 */
export type MergeSource = DataReference | { type: 'DETACHED'; name: 'DETACHED'; hash: string };

export type KeyMergeBehavior = 'NORMAL' | 'FORCE' | 'DROP';

export interface DataMergeRequest {
  fromRefName: string;
  /** Pins the source to this commit of `fromRefName`. */
  fromHash?: string;
  /** The target head the caller saw; the merge fails with a conflict if the target moved (compare-and-swap). */
  expectedHash?: string;
  dryRun?: boolean;
  message?: string;
  properties?: Record<string, string>;
  keyMergeModes?: Array<{ key: string[]; mergeBehavior: KeyMergeBehavior }>;
}

export interface DataMergeOutcome {
  resultantTargetHash: string;
  commonAncestor: string | null;
  wasApplied: boolean;
  wasSuccessful: boolean;
  /** Every key the merge touches. */
  keys: string[][];
  /**
   * Keys that conflict (empty when the merge is clean). `kinds`: why the catalog's content-aware merge refused the key,
   * one kind per reason (`shared-ingest`, …; empty for a plain conflict); decisions read these, `message` is for people.
   */
  conflicts: Array<{ key: string[]; conflictType: string; message: string; kinds: string[] }>;
}

export interface DataLogEntry {
  hash: string;
  message: string;
  properties: Record<string, string>;
  parentHashes: string[];
}

/** A code commit's link to the data commit it saw when it was made. */
export interface CodeLink {
  sha: string;
  dataRef: string;
  dataHash: string;
  codeBranch?: string;
}

export interface DataCatalog {
  /** Base URL of the server (`http://host:port`). */
  readonly url: string;
  /** The reference, or undefined when it does not exist. */
  getReference(name: string): Promise<DataReference | undefined>;
  /** Creates `name` at `from.hash`; throws `CatalogRequestFailedError` (409) when the name is taken. */
  createReference(name: string, type: 'BRANCH' | 'TAG', from: DataReference): Promise<DataReference>;
  /** Moves branch `ref.name` from `ref.hash` to `to.hash`; throws `CatalogRequestFailedError` (409) if it moved. */
  assignReference(ref: DataReference, to: DataReference): Promise<DataReference>;
  /** Deletes the reference if its head is still `ref.hash`. */
  deleteReference(ref: DataReference): Promise<void>;
  merge(targetBranch: string, req: DataMergeRequest): Promise<DataMergeOutcome>;
  /** First-parent history, newest first. */
  history(ref: string, maxRecords: number): Promise<DataLogEntry[]>;
  getLink(sha: string): Promise<CodeLink | undefined>;
  putLink(link: CodeLink): Promise<CodeLink>;
  /** Forge merges into data branch `target` the server could not finish alone (recorded by its webhooks). */
  pendingMerges(target: string): Promise<PendingMerge[]>;
  /** Forgets a pending forge merge once finished or settled (idempotent). */
  clearPendingMerge(p: PendingMerge): Promise<void>;
}
