import { BadRequestError, ReferenceAlreadyExistsError } from '../../errors/index.ts';
import { mergeBase } from '../merge/merge-base.ts';
import { journaledFilesOf, mergeWithResolver, type AppliedMerge, type ResolutionsOf } from '../merge/resolve-steps.ts';
import { assertValidReferenceName } from '../ref-name.ts';
import { treeApply, treeGet } from '../tree/hamt.ts';
import type {
  Commit,
  CommitLinks,
  CommitMeta,
  CommitOptions,
  CommitResult,
  CommitWithOperations,
  Content,
  ContentKey,
  DiffEntry,
  EntryQuery,
  EntrySummary,
  KeyRange,
  MergeOptions,
  MergeResult,
  Operation,
  Page,
  PageRequest,
  PoolStats,
  Reference,
  ReferencePageRequest,
  ReferenceType,
  ReflogEntry,
  ResolvedRef,
  TransplantOptions,
  VersionStore,
  WalkBounds,
  WriteStats,
} from '../types.ts';
import { keyId } from '../types.ts';
import {
  applyOperations,
  assertKey,
  concurrentChangeError,
  movedKeys,
  unexpectedHeadError,
  validateCommit,
} from './commit-rules.ts';
import { firstParentAsOf, nthFirstParent } from './first-parent.ts';
import { History } from './history.ts';
import { MergeOrchestrator, mergeModes, type MergeAttempt } from './merge.ts';
import { toCommit } from './commit-records.ts';
import { Draft } from './draft.ts';
import { ObjectReader } from './objects.ts';
import type { JournaledFile, Persistence, RefUpdate } from './persistence.ts';
import { pageReferences } from './ref-pages.ts';
import { RefWrites } from './ref-writes.ts';
import { Refs, toReference } from './refs.ts';

/**
 * The versioned store, backend-neutral (Nessie's VersionStore over its Persist): ref-spec and hash-prefix
 * resolution, the per-operation commit rules and the concurrent-change rule, merge and transplant, log and diff, over
 * a `Persistence` (SQLite or PostgreSQL).
 *
 * Every write plans from fresh reads, then persists its new objects and the ref compare-and-swap in one transaction.
 * Writes to one ref are queued within this process (so they never race each other); a write that loses the
 * compare-and-swap to another server plans again from the new head, which applies the same rules a serialized write
 * would have met (the concurrent-change rule for a commit, the expected hash for assign and delete).
 *
 * @example const store = await CoreVersionStore.create(await SqlitePersistence.open(':memory:'))
 */
export class CoreVersionStore implements VersionStore {
  readonly defaultBranch = 'main';
  readonly noAncestorHash = ObjectReader.root().hash;
  private readonly objects: ObjectReader;
  private readonly refs: Refs;
  private readonly history: History;
  private readonly merges: MergeOrchestrator;
  private readonly refWrites: RefWrites;

  /** How writes were grouped into transactions so far; the backends that count it (SQLite, PostgreSQL) say. */
  get groupCommitStats(): WriteStats | undefined {
    return undefined;
  }

  /** The database connection pool's state; the backends that have one (PostgreSQL) say. */
  get poolStats(): PoolStats | undefined {
    return undefined;
  }

  protected constructor(readonly persistence: Persistence) {
    this.objects = new ObjectReader(persistence);
    this.refs = new Refs(persistence, this.objects);
    this.history = new History(persistence, this.objects);
    this.merges = new MergeOrchestrator(this.objects, this.refs);
    this.refWrites = new RefWrites(persistence, this.objects);
  }

  /** A store over `persistence`; writes the root commit and `main` on first start (a no-op when they exist). */
  static async create(persistence: Persistence): Promise<CoreVersionStore> {
    const store = new CoreVersionStore(persistence);
    await store.bootstrap();
    return store;
  }

  protected async bootstrap(): Promise<void> {
    const root = ObjectReader.root();
    if (await this.persistence.getRef(this.defaultBranch)) return;
    const ref: RefUpdate = { kind: 'create', name: this.defaultBranch, type: 'BRANCH', head: root.hash };
    // Another server starting at the same moment may create it first: then this write is a no-op.
    await this.persistence.write({ nodes: [], commits: [root], ref, at: new Date().toISOString() });
  }

  // ---------------------------------------------------------------- references

  async listReferences(): Promise<Reference[]> {
    return (await this.persistence.listRefs()).map(toReference);
  }

  async listReferencesPage(opts?: ReferencePageRequest): Promise<Page<Reference>> {
    return pageReferences(this.persistence, opts);
  }

  async getReference(name: string): Promise<Reference> {
    return toReference(await this.refs.get(name));
  }

  async resolve(refSpec: string): Promise<ResolvedRef> {
    return this.refs.resolve(refSpec);
  }

  async createReference(name: string, type: ReferenceType, hash: string): Promise<Reference> {
    assertValidReferenceName(name);
    return this.refWrites.land(name, async () => {
      const target = await this.objects.resolveHash(hash);
      if (await this.persistence.getRef(name)) throw new ReferenceAlreadyExistsError(name);
      const draft = new Draft(this.objects);
      return {
        value: { type, name, hash: target },
        write: { draft, ref: { kind: 'create', name, type, head: target } },
      };
    });
  }

  async deleteReference(name: string, type: ReferenceType | undefined, expectedHash: string): Promise<Reference> {
    return this.refWrites.land(name, async () => {
      const ref = await this.refs.ofType(name, type);
      if (name === this.defaultBranch) throw new BadRequestError(`The default branch "${name}" cannot be deleted.`);
      const expected = await this.objects.resolveHash(expectedHash);
      if (expected !== ref.head) throw unexpectedHeadError(name, expected, ref.head);
      const update: RefUpdate = { kind: 'delete', name, type: ref.type, from: ref.head };
      return { value: toReference(ref), write: { draft: new Draft(this.objects), ref: update } };
    });
  }

  async assignReference(
    name: string,
    type: ReferenceType | undefined,
    expectedHash: string,
    toHash: string,
  ): Promise<Reference> {
    return this.refWrites.land(name, async () => {
      const ref = await this.refs.ofType(name, type);
      const expected = await this.objects.resolveHash(expectedHash);
      if (expected !== ref.head) throw unexpectedHeadError(name, expected, ref.head);
      const target = await this.objects.resolveHash(toHash);
      const update: RefUpdate = { kind: 'move', name, type: ref.type, from: ref.head, to: target, operation: 'ASSIGN' };
      return { value: { type: ref.type, name, hash: target }, write: { draft: new Draft(this.objects), ref: update } };
    });
  }

  // ---------------------------------------------------------------- commits

  get journalsFiles(): boolean {
    return this.persistence.journalsFiles === true;
  }

  async pendingFiles(limit: number, after?: string): Promise<JournaledFile[]> {
    return (await this.persistence.pendingFiles?.(limit, after)) ?? [];
  }

  async forgetFiles(locations: string[]): Promise<void> {
    await this.persistence.forgetFiles?.(locations);
  }

  async commit(
    branch: string,
    expectedHash: string,
    meta: CommitMeta,
    operations: Operation[],
    opts: CommitOptions = {},
  ): Promise<CommitResult> {
    validateCommit(meta, operations);
    const files = opts.files?.length ? opts.files : undefined;
    if (files && !this.journalsFiles) throw new Error('This store does not journal files: write them durably first.');
    return this.refWrites.landPipelined(branch, async (inFlightHead) => {
      // Behind a commit in flight on this branch (planned under the same lock, so the branch was there) the head is
      // that commit's; otherwise the acknowledged one, read from the database.
      const ref = inFlightHead === undefined ? await this.refs.branch(branch) : undefined;
      const expected = await this.objects.resolveHash(expectedHash);
      const head = await this.objects.commit(inFlightHead ?? ref!.head);
      const keys = operations.map((o) => o.key);
      const moved = await movedKeys(this.objects, branch, expected, head, keys);
      if (moved.length > 0) throw concurrentChangeError(branch, expected, head.hash, moved);
      const { changes, stored, addedContents } = await applyOperations(
        this.objects.nodes,
        head.tree,
        branch,
        operations,
        { nessieContentIds: opts.nessieContentIds === true },
      );
      const draft = new Draft(this.objects);
      const tree = await treeApply(draft.nodes, head.tree, changes);
      const c = await draft.newCommit([head.hash], tree, meta, stored);
      const update: RefUpdate = {
        kind: 'move',
        name: branch,
        type: 'BRANCH',
        from: head.hash,
        to: c.hash,
        operation: 'COMMIT',
      };
      return { value: { hash: c.hash, addedContents }, write: { draft, ref: update, files } };
    });
  }

  async getCommit(hash: string): Promise<CommitWithOperations> {
    const c = await this.objects.commit(await this.objects.resolveHash(hash));
    return { ...toCommit(c), operations: structuredClone(c.operations) };
  }

  async commitLinks(hash: string, walk: WalkBounds = { floor: -1, wanted: 1 }): Promise<CommitLinks> {
    const node = await this.objects.ancestorLinks(hash, walk.floor, walk.wanted);
    return { generation: node.generation, parentHashes: node.parents, commitTime: node.commitTime };
  }

  getCommits(hashes: readonly string[]): Promise<Commit[]>;
  getCommits(hashes: readonly string[], opts: { withOperations: true }): Promise<CommitWithOperations[]>;
  async getCommits(hashes: readonly string[], opts?: { withOperations: true }): Promise<Commit[]> {
    const commits = await this.objects.commits(hashes);
    if (!opts?.withOperations) return commits.map(toCommit);
    return commits.map((c) => ({ ...toCommit(c), operations: structuredClone(c.operations) }));
  }

  async firstParentAncestor(hash: string, n: number): Promise<string | null> {
    return (await nthFirstParent(this.objects, hash, n)) ?? null;
  }

  async firstParentAsOf(hash: string, atMs: number): Promise<string | null> {
    const c = await firstParentAsOf(this.objects, hash, atMs);
    return c.commitMs <= atMs ? c.hash : null;
  }

  async getContent(hash: string, key: ContentKey): Promise<Content | undefined> {
    assertKey(key);
    const tree = (await this.objects.commit(await this.objects.resolveHash(hash))).tree;
    return treeGet(this.objects.nodes, tree, key.elements);
  }

  async getContents(hash: string, keys: ContentKey[]): Promise<Map<string, Content>> {
    const tree = (await this.objects.commit(await this.objects.resolveHash(hash))).tree;
    const out = new Map<string, Content>();
    for (const key of keys) {
      assertKey(key);
      const c = await treeGet(this.objects.nodes, tree, key.elements);
      if (c) out.set(keyId(key), c);
    }
    return out;
  }

  async listEntries(hash: string, opts: EntryQuery = {}): Promise<Page<EntrySummary>> {
    return this.history.entries(hash, opts);
  }

  async log(hash: string, opts: PageRequest = {}): Promise<Page<Commit>> {
    return this.history.log(hash, opts);
  }

  async diff(
    fromHash: string,
    toHash: string,
    opts: PageRequest & KeyRange & { prefix?: string[] } = {},
  ): Promise<Page<DiffEntry>> {
    return this.history.diff(fromHash, toHash, opts);
  }

  async reflog(opts: PageRequest & { refName?: string } = {}): Promise<Page<ReflogEntry>> {
    return this.history.reflog(opts);
  }

  async mergeBase(hashA: string, hashB: string): Promise<string | null> {
    const a = await this.objects.resolveHash(hashA);
    const b = await this.objects.resolveHash(hashB);
    return mergeBase(this.objects.loadNode, a, b);
  }

  // ---------------------------------------------------------------- merge and transplant

  async merge(opts: MergeOptions): Promise<MergeResult> {
    const run = (resolutions?: ResolutionsOf) =>
      this.landMerge(opts.toBranch, () => this.merges.merge(opts, resolutions?.(0)));
    if (!opts.resolver) return ((await run()) as Exclude<AppliedMerge, 'stale'>).result;
    const steps = () => this.merges.mergeSteps(opts);
    return mergeWithResolver(opts.resolver, mergeModes(opts), opts.dryRun ?? false, steps, run);
  }

  async transplant(opts: TransplantOptions): Promise<MergeResult> {
    const run = (resolutions?: ResolutionsOf) =>
      this.landMerge(opts.toBranch, () => this.merges.transplant(opts, resolutions));
    if (!opts.resolver) return ((await run()) as Exclude<AppliedMerge, 'stale'>).result;
    const steps = () => this.merges.transplantSteps(opts);
    return mergeWithResolver(opts.resolver, mergeModes(opts), opts.dryRun ?? false, steps, run);
  }

  async close(): Promise<void> {
    await this.persistence.close();
  }

  // ---------------------------------------------------------------- the write loop

  private landMerge(branch: string, plan: () => Promise<MergeAttempt>): Promise<AppliedMerge> {
    return this.refWrites.land(branch, async () => {
      const attempt = await plan();
      if (attempt.applied === 'stale' || !attempt.write) return { value: attempt.applied };
      // Files the resolver wrote without their fsync ride in the merge's transaction, like a commit's.
      const files = journaledFilesOf(attempt.applied.consumed);
      return { value: attempt.applied, write: { ...attempt.write, files: files.length > 0 ? files : undefined } };
    });
  }
}
