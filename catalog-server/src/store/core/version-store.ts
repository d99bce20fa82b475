import { BadRequestError, ReferenceAlreadyExistsError, ReferenceConflictError } from '../../errors/index.ts';
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
import { KeyedLock } from './keyed-lock.ts';
import { MergeOrchestrator, mergeModes, type MergeAttempt } from './merge.ts';
import { Draft, ObjectReader, toCommit } from './objects.ts';
import type { JournaledFile, Persistence, RefUpdate } from './persistence.ts';
import { pageReferences } from './ref-pages.ts';
import { Refs, toReference } from './refs.ts';

/** How often a write re-plans after losing the ref compare-and-swap to another server before it gives up. */
const MAX_CAS_ATTEMPTS = 30;
/**
 * How long commits to a ref are planned one at a time after one lost its compare-and-swap (another server moved the
 * ref). Pipelined commits are planned on each other, so one loss costs the whole chain: in the bench's replicas lane
 * (three servers writing to one branch) pipelining without this fallback lowered commits/s by 10–20%, where one server
 * alone gained 10–18%; falling back for 1 s after a loss still lost 6%, for 10 s nothing measurable.
 */
const CONTENDED_MS = 10_000;

/** What one planned write produces: the caller's answer, and what to persist (nothing for a no-op or dry run). */
interface Planned<T> {
  value: T;
  write?: { draft: Draft; ref: RefUpdate; files?: JournaledFile[] };
}

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
  private readonly locks = new KeyedLock();
  /** Per ref, the newest write handed to the persistence and not yet settled (see `landPipelined`). */
  private readonly inFlight = new Map<string, { head: string; written: Promise<boolean> }>();
  /** Per ref, when a commit last lost its compare-and-swap to another server (see `CONTENDED_MS`). */
  private readonly contended = new Map<string, number>();

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
    return this.land(name, async () => {
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
    return this.land(name, async () => {
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
    return this.land(name, async () => {
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
    return this.landPipelined(branch, async (inFlightHead) => {
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
    opts: PageRequest & { prefix?: string[] } = {},
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
    return this.land(branch, async () => {
      const attempt = await plan();
      if (attempt.applied === 'stale' || !attempt.write) return { value: attempt.applied };
      // Files the resolver wrote without their fsync ride in the merge's transaction, like a commit's.
      const files = journaledFilesOf(attempt.applied.consumed);
      return { value: attempt.applied, write: { ...attempt.write, files: files.length > 0 ? files : undefined } };
    });
  }

  /**
   * Plans a write to `refName` and persists it in one transaction ending in the ref compare-and-swap; plans again
   * from fresh reads when another server moved the ref in between.
   */
  private land<T>(refName: string, plan: () => Promise<Planned<T>>): Promise<T> {
    return this.locks.run(refName, async () => {
      // Plans on the acknowledged head only: commits still in flight on this ref land (or fail) first.
      await this.inFlight.get(refName)?.written.catch(() => undefined);
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const planned = await plan();
        if (!planned.write) return planned.value;
        const { draft, ref, files } = planned.write;
        const batch = { ...draft.objectsToWrite(), ref, files, at: new Date().toISOString() };
        if (await this.persistence.write(batch)) {
          this.objects.learn(draft);
          return planned.value;
        }
        await backOff(attempt);
      }
      throw keptMoving(refName);
    });
  }

  /**
   * `land` for commits, pipelined where the persistence applies writes in order (both backends): the ref's lock is held
   * while the commit is planned and handed over, not while it becomes durable, and the next commit to the ref plans
   * on top of it (`plan` gets the head of the write in flight). So concurrent commits to one branch — Iceberg writers
   * on `main` — meet in the persistence's queue and share one transaction and fsync. Each is still acknowledged only
   * once durable. Readers never see a write in flight (refs are read from the persistence); only the next planner
   * does, and when a write fails, the ones planned on it fail their compare-and-swap and plan again (through `land`,
   * and for `CONTENDED_MS` every commit to the ref does: another server is writing to it).
   */
  private async landPipelined<T>(
    refName: string,
    plan: (inFlightHead: string | undefined) => Promise<Planned<T>>,
  ): Promise<T> {
    if (!this.persistence.appliesWritesInOrder || this.isContended(refName)) {
      return this.land(refName, () => plan(undefined));
    }
    const handed = await this.locks.run(refName, async () => {
      const planned = await plan(this.inFlight.get(refName)?.head);
      if (!planned.write) return { value: planned.value };
      const { draft, ref, files } = planned.write;
      if (ref.kind !== 'move') throw new Error('Only ref moves are pipelined');
      this.objects.stage(draft);
      const written = this.persistence.write({ ...draft.objectsToWrite(), ref, files, at: new Date().toISOString() });
      const entry = { head: ref.to, written };
      this.inFlight.set(refName, entry);
      const settle = () => {
        if (this.inFlight.get(refName) === entry) this.inFlight.delete(refName);
        this.objects.settle(draft);
      };
      written.then(settle, settle);
      return { value: planned.value, written };
    });
    if (!handed.written || (await handed.written)) return handed.value;
    // Lost to another server (or planned on a write that failed): this commit, and the others planned on it, plan
    // again on the acknowledged head, one at a time for a while.
    this.contended.set(refName, Date.now());
    await backOff(0);
    return this.land(refName, () => plan(undefined));
  }

  private isContended(refName: string): boolean {
    const at = this.contended.get(refName);
    if (at === undefined) return false;
    if (Date.now() - at < CONTENDED_MS) return true;
    this.contended.delete(refName);
    return false;
  }
}

/** After losing a compare-and-swap to another server: wait a little (growing, jittered) so competing writers spread out. */
function backOff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 2 ** attempt)));
}

function keptMoving(refName: string): ReferenceConflictError {
  return new ReferenceConflictError(`"${refName}" kept moving concurrently. Reload it and retry.`, { ref: refName });
}
