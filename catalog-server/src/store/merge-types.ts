import type { CommitMeta, Content, ContentKey, ContentType, JournaledFile } from './types.ts';

/*
 * The store's merge and transplant contract: options, the content-aware resolver a merge may call for keys both
 * sides changed, and what a merge answers per key. Re-exported by types.ts with the rest of the store's types.
 */

export type MergeBehavior = 'NORMAL' | 'FORCE' | 'DROP';

/** What a merge and a transplant both take: the target, how keys merge, and the commit's meta. */
interface IntoBranchOptions {
  toBranch: string;
  /** The target head the caller saw; absent = current head. */
  expectedHash?: string;
  dryRun?: boolean;
  returnConflictAsResult?: boolean;
  defaultKeyMergeMode?: MergeBehavior;
  keyMergeModes?: Array<{ key: ContentKey; mergeBehavior: MergeBehavior }>;
  meta?: Partial<CommitMeta>;
  /**
   * Content-aware resolution of keys both sides changed (NORMAL mode only); without it they conflict. A transplant
   * applies it to each transplanted commit in turn.
   */
  resolver?: MergeResolver;
  /**
   * Asked with every key the source changed (a transplant: each picked commit's keys), before anything is resolved,
   * planned or written; throws to refuse the whole merge. How a caller whose rights end at some namespaces merges
   * only what lies inside them.
   */
  authorizeKeys?: KeyAuthorizer;
}

/** A key a merge would change and its content's type (at the source, or at the base where the source deleted it). */
export interface ChangedKey {
  key: ContentKey;
  type: ContentType | undefined;
}

/** Throws (e.g. a 403) when the caller may not merge one of `keys`. */
export type KeyAuthorizer = (keys: readonly ChangedKey[]) => void;

export interface MergeOptions extends IntoBranchOptions {
  /** Source: a reference name or a hash (`fromHash` pins the source to a commit of `fromRefName`). */
  fromRefName: string;
  fromHash?: string;
}

export interface TransplantOptions extends IntoBranchOptions {
  fromRefName: string;
  hashesToTransplant: string[];
}

/** One key as a resolver sees it: its content at the merge base, on the source and on the target. */
export interface KeyToResolve {
  key: ContentKey;
  base: Content | undefined;
  source: Content | undefined;
  target: Content | undefined;
}

/** What a resolver did with one key: a new value for the target, or a conflict with its reason. */
export type KeyResolution =
  | {
      kind: 'resolved';
      value: Content;
      summary: string;
      stats?: Record<string, number>;
      /** Files the resolver wrote without their fsync: journaled with the merge commit that lands this value. */
      files?: JournaledFile[];
    }
  | {
      kind: 'conflict';
      message: string;
      /** What kind of refusal each `; `-separated part of the message is, in order (`MergeConflictKind`). */
      kinds?: string[];
      stats?: Record<string, number>;
    };

/**
 * Resolves keys that the source and the target both changed since the merge base (the store stays content-agnostic;
 * the service layer knows what a table is). Called outside the store's write transaction, possibly more than once
 * per key when the target moves meanwhile. `write: false` (dry run) must not write anything.
 */
export interface MergeResolver {
  resolve(key: KeyToResolve, opts: { write: boolean }): Promise<KeyResolution>;
  /** Undoes what `resolve` wrote for a resolution that the merge did not commit (conflict, dry run, lost race). */
  discard?(resolution: KeyResolution): Promise<void>;
  /** Told of each resolution the landed merge references, once it is durable (to make its `files` durable). */
  landed?(resolution: KeyResolution): void;
}

/**
 * How one key the source changed ends up: the source's value TAKEN, the target's KEPT (DROP), IDENTICAL on both sides
 * already, RESOLVED by the merge resolver into a new value, or a CONFLICT.
 */
export type MergeOutcome = 'TAKEN' | 'KEPT' | 'IDENTICAL' | 'RESOLVED' | 'CONFLICT';

export type ConflictType = 'KEY_EXISTS' | 'KEY_DOES_NOT_EXIST' | 'VALUE_DIFFERS' | 'UNKNOWN';

export interface MergeKeyDetail {
  key: ContentKey;
  mergeBehavior: MergeBehavior;
  /** `kinds`: a resolver's refusal, one kind per `; `-separated part of the message (see `KeyResolution`). */
  conflict?: { conflictType: ConflictType; key: ContentKey; message: string; kinds?: string[] };
  outcome?: MergeOutcome;
  /** What the resolver did or why it refused, in words and figures ("replayed 2 snapshots, +3 files"). */
  resolution?: { summary: string; stats?: Record<string, number> };
}

export interface MergeResult {
  /** The target head after the operation (unchanged on dry run, conflict or no-op). */
  resultantTargetHash: string;
  commonAncestor: string | null;
  targetBranch: string;
  /** The target head the merge was computed against. */
  effectiveTargetHash: string;
  expectedHash?: string;
  wasApplied: boolean;
  wasSuccessful: boolean;
  details: MergeKeyDetail[];
  /** Hashes of the commits created on the target (one for merge, one per source commit for transplant). */
  addedCommits: string[];
}
