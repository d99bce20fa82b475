/**
 * The versioned store's vocabulary. The store knows nothing about Iceberg semantics or HTTP: it versions a map from
 * content key to content, git style (branches, tags, commits, merge, transplant). Field names follow Project Nessie's
 * REST API v2 so the management API can serialize these objects as they are.
 */

import type { MergeOptions, MergeResult, TransplantOptions } from './merge-types.ts';

/** A content key: namespace elements followed by the object name (`["db", "sales", "orders"]`). */
export interface ContentKey {
  elements: string[];
}

export interface NamespaceContent {
  type: 'NAMESPACE';
  id: string;
  elements: string[];
  properties: Record<string, string>;
}

/**
 * A 64-bit id in content (a table's `snapshotId`, a view's `versionId`): a JSON number when it is exact as one, else
 * its decimal text (service/int64.ts). Content is plain JSON here (canonical JSON for hashes, `JSON.parse` on reads),
 * and a 63-bit snapshot id would round as a number.
 */
export type StoredInt64 = number | string;

export interface IcebergTableContent {
  type: 'ICEBERG_TABLE';
  id: string;
  metadataLocation: string;
  snapshotId: StoredInt64;
  schemaId: number;
  specId: number;
  sortOrderId: number;
}

export interface IcebergViewContent {
  type: 'ICEBERG_VIEW';
  id: string;
  metadataLocation: string;
  versionId: StoredInt64;
  schemaId: number;
  sqlText?: string;
  dialect?: string;
}

/**
 * A user-defined function (Nessie's `UDF` content): its metadata file in Iceberg's UDF format, served by the Iceberg
 * REST functions endpoints. `versionId` and `signatureId` are the writer's own markers, kept as given.
 */
export interface UdfContent {
  type: 'UDF';
  id: string;
  metadataLocation: string;
  versionId?: string;
  signatureId?: string;
}

export type Content = NamespaceContent | IcebergTableContent | IcebergViewContent | UdfContent;
export type ContentType = Content['type'];

/**
 * A content without its id, as a writer proposes it. The store assigns a new id when the key is new (or was deleted
 * and is created again) and keeps the existing id otherwise, so a rename (delete + put with the old id) keeps it.
 */
export type ContentInput = Content extends infer C
  ? C extends Content
    ? Omit<C, 'id'> & { id?: string }
    : never
  : never;

export type Operation =
  | { type: 'PUT'; key: ContentKey; content: ContentInput }
  | { type: 'DELETE'; key: ContentKey }
  /** Asserts the key is not changed concurrently: the commit fails if it changed since the expected hash. */
  | { type: 'UNCHANGED'; key: ContentKey };

/**
 * A file the catalog wrote to its storage without waiting for it to be durable (a table's new metadata file): its bytes
 * ride in the commit's transaction, so the commit is durable once that transaction is, and the file can be restored
 * from them after a power loss. Forgotten once the file itself is durable.
 */
export interface JournaledFile {
  location: string;
  bytes: Buffer;
}

/** Options of a commit. */
export interface CommitOptions {
  /** Files the commit references that were written without their fsync; only where `journalsFiles` is true. */
  files?: JournaledFile[];
  /**
   * Nessie's content-id rules, for clients of its API: a new key may not bring a content id unless the same commit
   * deletes the key holding it (a rename), and an existing key put with another id is a bad request rather than a
   * conflict. The store's own writers (renames, catalog copies) keep ids their way.
   */
  nessieContentIds?: boolean;
}

export interface CommitMeta {
  message: string;
  author?: string;
  /** ISO-8601; defaults to the commit time. */
  authorTime?: string;
  /** Free-form: git-sync stores the code commit sha, the engine its run id. */
  properties?: Record<string, string>;
}

export interface Commit {
  hash: string;
  /** First parent is the branch's previous head; a merge commit has the merged source head second. */
  parentHashes: string[];
  message: string;
  author: string;
  committer: string;
  authorTime: string;
  commitTime: string;
  properties: Record<string, string>;
  /** Number of commits on the longest path to the root, root = 0. Used to prune merge-base searches. */
  generation: number;
}

/** What a walk down a history reads of a commit (`VersionStore.commitLinks`). */
export interface CommitLinks {
  /** Higher than each parent's: no commit at or below a generation can lead to a commit of that generation. */
  generation: number;
  parentHashes: readonly string[];
  /** Orders commits of one generation newest first (as `Commit.commitTime`). */
  commitTime: string;
}

/** How far a walk down a history may still go, so a store reading ahead for it reads no further. */
export interface WalkBounds {
  /** The walk does not follow the parents of a commit at or below this generation. */
  floor: number;
  /** Commits the walk may still load, this one included. */
  wanted: number;
}

export interface CommitWithOperations extends Commit {
  operations: Array<{ type: 'PUT'; key: ContentKey; content: Content } | { type: 'DELETE'; key: ContentKey }>;
}

export type ReferenceType = 'BRANCH' | 'TAG';

export interface Reference {
  type: ReferenceType;
  name: string;
  hash: string;
}

/**
 * Where a read happens: a named reference at its head, or at a fixed commit (`ref@hash`, `ref*timestamp`, or a bare
 * hash). `readOnly` is true for tags and for any point in the past.
 */
export interface ResolvedRef {
  name: string | null;
  type: ReferenceType | null;
  hash: string;
  readOnly: boolean;
}

/** What `listEntries` lists (see there). */
export type EntryQuery = PageRequest &
  KeyRange & {
    prefix?: string[];
    childrenOnly?: boolean;
    types?: ContentType[];
    withContent?: boolean;
  };

/** Keys from `minKey` to `maxKey`, both included, in key order (a key's children come after it). */
export interface KeyRange {
  minKey?: readonly string[];
  maxKey?: readonly string[];
}

export interface EntrySummary {
  key: ContentKey;
  type: ContentType;
  contentId: string;
  /** The content itself, when asked for (`withContent`). */
  content?: Content;
}

export interface DiffEntry {
  key: ContentKey;
  from: Content | null;
  to: Content | null;
}

export interface Page<T> {
  items: T[];
  /** Opaque token for the next page, absent on the last page. */
  token?: string;
}

export interface PageRequest {
  maxRecords?: number;
  pageToken?: string;
}

/** A page of references: `filter` keeps only the ones the caller may see (a page then holds the next ones that pass). */
export interface ReferencePageRequest extends PageRequest {
  filter?: (ref: Reference) => boolean | Promise<boolean>;
  /** Only branches: the listing stops where the tags begin (references are in type order), however many they are. */
  branchesOnly?: boolean;
}

export type {
  ChangedKey,
  ConflictType,
  KeyAuthorizer,
  KeyResolution,
  KeyToResolve,
  MergeBehavior,
  MergeKeyDetail,
  MergeOptions,
  MergeOutcome,
  MergeResolver,
  MergeResult,
  TransplantOptions,
} from './merge-types.ts';
export interface CommitResult {
  hash: string;
  /** Content ids assigned to keys this commit created. */
  addedContents: Array<{ key: ContentKey; contentId: string }>;
}

export interface ReflogEntry {
  refName: string;
  refType: ReferenceType;
  previousHash: string | null;
  newHash: string | null;
  operation: 'CREATE' | 'COMMIT' | 'ASSIGN' | 'MERGE' | 'TRANSPLANT' | 'DELETE';
  at: string;
}

/**
 * A store's writes so far: database transactions run, writes (commits, ref changes) they carried (writes ÷
 * transactions is the grouping achieved), and seconds spent in those transactions, their commit included. On SQLite
 * the driver is synchronous, so the seconds are time the serving thread was blocked writing (the WAL's fsync, on the
 * thread pool, is not in them: `walFsyncs` and `walFsyncSeconds` count it); on PostgreSQL they include the server's
 * flush.
 */
export interface WriteStats {
  readonly transactions: number;
  readonly items: number;
  readonly seconds: number;
  /** SQLite on disk: fsyncs of the WAL run on the thread pool (one at a time), and the seconds they took. */
  readonly walFsyncs?: number;
  readonly walFsyncSeconds?: number;
}

/** A connection pool's state now (PostgreSQL): connections open and idle, its size, requests waiting for one. */
export interface PoolStats {
  readonly open: number;
  readonly idle: number;
  readonly max: number;
  readonly waiting: number;
}

/**
 * The versioned store. Every write is atomic: it either lands completely (the ref head moves by compare-and-swap) or
 * changes nothing. Async so that a networked backend can implement the same contract.
 */
export interface VersionStore {
  readonly defaultBranch: string;
  /** How the store's writes were grouped into database transactions so far, where the backend counts it. */
  readonly groupCommitStats?: WriteStats;
  /** The database connection pool's state, where the backend has one (PostgreSQL). */
  readonly poolStats?: PoolStats;
  /** The parentless root commit every history starts from (Nessie's "no ancestor" hash); never changes. */
  readonly noAncestorHash: string;

  /** Every reference, by name (for callers that need all of them at once, such as reachability). */
  listReferences(): Promise<Reference[]>;
  /**
   * One page of references, branches before tags and each by name (Nessie's order), read from the database a page
   * at a time; `token` is present when more references passing `filter` follow.
   */
  listReferencesPage(opts?: ReferencePageRequest): Promise<Page<Reference>>;
  getReference(name: string): Promise<Reference>;
  /** Resolves `main`, `feature/x`, `main@<hash>`, `main*<ISO timestamp>`, `@<hash>` or a bare hash. */
  resolve(refSpec: string): Promise<ResolvedRef>;
  /** Creates a branch or tag at `hash`. */
  createReference(name: string, type: ReferenceType, hash: string): Promise<Reference>;
  deleteReference(name: string, type: ReferenceType | undefined, expectedHash: string): Promise<Reference>;
  assignReference(
    name: string,
    type: ReferenceType | undefined,
    expectedHash: string,
    toHash: string,
  ): Promise<Reference>;

  /**
   * Applies `operations` as one commit on `branch`. `expectedHash` is the head the writer based its change on: the
   * commit lands if none of the keys it touches changed since then (concurrent commits to other keys are fine).
   */
  commit(
    branch: string,
    expectedHash: string,
    meta: CommitMeta,
    operations: Operation[],
    opts?: CommitOptions,
  ): Promise<CommitResult>;
  /**
   * True when a commit may carry `files` written without their fsync (SQLite): the commit's transaction keeps their
   * bytes until `forgetFiles`, so they can be restored after a power loss (`pendingFiles`).
   */
  readonly journalsFiles: boolean;
  /** Up to `limit` journaled files not yet forgotten, in location order, after location `after` when given. */
  pendingFiles(limit: number, after?: string): Promise<JournaledFile[]>;
  /** Forgets journaled files once they are durable in storage. */
  forgetFiles(locations: string[]): Promise<void>;

  getCommit(hash: string): Promise<CommitWithOperations>;
  /**
   * A commit's generation and parents (`hash` in full; 404 error when no commit has it), for walks down a history
   * (is a commit on a reference?). Cheaper than `getCommit`, and a commit not held in memory is read together with
   * the ancestors the walk goes on to, within `walk`'s bounds (a page per round trip): a walk thousands of commits
   * deep costs a few queries on PostgreSQL, not one per commit.
   *
   * @example await store.commitLinks(head, { floor: target.generation, wanted: 20_000 }) // { generation, parentHashes }
   */
  commitLinks(hash: string, walk?: WalkBounds): Promise<CommitLinks>;
  /**
   * The commits `hashes` name (in full), in that order, with their operations only when asked; those not held in
   * memory read together (a query per 500 on PostgreSQL), so a page of the commit graph is not a query per commit.
   *
   * @example await store.getCommits(page.map((c) => c.hash), { withOperations: true })
   */
  getCommits(hashes: readonly string[]): Promise<Commit[]>;
  getCommits(hashes: readonly string[], opts: { withOperations: true }): Promise<CommitWithOperations[]>;
  /**
   * `hash~n`: the commit `n` steps down the first-parent line from `hash` (in full), or null when the line ends
   * before. The line is read a page per round trip (`main~5000` is a few queries, not 5,000).
   *
   * @example await store.firstParentAncestor(head, 2) // the head's grandparent on the branch
   */
  firstParentAncestor(hash: string, n: number): Promise<string | null>;
  /**
   * `hash*<time>`: the newest commit of the first-parent line from `hash` (in full; itself first) committed at or
   * before `atMs` (epoch milliseconds), or null when none is. Read a page per round trip, like `firstParentAncestor`.
   */
  firstParentAsOf(hash: string, atMs: number): Promise<string | null>;
  getContent(hash: string, key: ContentKey): Promise<Content | undefined>;
  getContents(hash: string, keys: ContentKey[]): Promise<Map<string, Content>>;
  /**
   * Keys at a commit in key order; `prefix` keeps keys whose first elements equal it, `childrenOnly` only those one
   * element longer (what is directly in a namespace); `withContent` adds each key's content (what a listing holds
   * anyway: no read per key).
   */
  listEntries(hash: string, opts?: EntryQuery): Promise<Page<EntrySummary>>;
  /** First-parent history from `hash`, newest first. */
  log(hash: string, opts?: PageRequest): Promise<Page<Commit>>;
  diff(
    fromHash: string,
    toHash: string,
    opts?: PageRequest & KeyRange & { prefix?: string[] },
  ): Promise<Page<DiffEntry>>;
  mergeBase(hashA: string, hashB: string): Promise<string | null>;
  merge(opts: MergeOptions): Promise<MergeResult>;
  transplant(opts: TransplantOptions): Promise<MergeResult>;
  reflog(opts?: PageRequest & { refName?: string }): Promise<Page<ReflogEntry>>;
  close(): Promise<void>;
}

/** `["db","t"]` → the key's canonical string form used in maps and SQL (elements joined by U+0000). */
export function keyId(key: ContentKey): string {
  return key.elements.join('\u0000');
}
