import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';
import {
  BadRequestError,
  NoSuchReferenceError,
  ReadOnlyReferenceError,
  ReferenceAlreadyExistsError,
  ReferenceConflictError,
} from '../../errors/index.ts';
import { canonicalJson, jsonEquals, sha256Hex } from '../canonical-json.ts';
import { assertValidReferenceName } from '../ref-name.ts';
import { parseRefSpec } from '../ref-spec.ts';
import { isAncestor, mergeBase, type CommitNode } from '../merge/merge-base.ts';
import { planMerge, type ResolvedKey, type ThreeWay } from '../merge/merge-plan.ts';
import {
  mergeWithResolver,
  type AppliedMerge,
  type ResolutionsOf,
  type StepResolutions,
} from '../merge/resolve-steps.ts';
import {
  EMPTY_TREE,
  parseNode,
  serializeNode,
  treeApply,
  treeDiff,
  treeEntries,
  treeGet,
  type NodeIO,
  type TreeEntry,
  type TreeNode,
} from '../tree/hamt.ts';
import type {
  Commit,
  CommitMeta,
  CommitResult,
  CommitWithOperations,
  Content,
  ContentKey,
  ContentType,
  DiffEntry,
  EntrySummary,
  MergeBehavior,
  MergeKeyDetail,
  MergeOptions,
  MergeResult,
  Operation,
  Page,
  PageRequest,
  Reference,
  ReferenceType,
  ReflogEntry,
  ResolvedRef,
  TransplantOptions,
  VersionStore,
} from '../types.ts';
import { keyId } from '../types.ts';
import { migrate } from './migrate.ts';

interface CommitRow {
  hash: string;
  parent: string | null;
  merge_parent: string | null;
  tree: string;
  generation: number;
  author: string;
  committer: string;
  message: string;
  author_time: string;
  commit_time: string;
  commit_ms: number;
  properties: string;
  operations: string;
}

interface RefRow {
  name: string;
  type: ReferenceType;
  head: string;
}

type StoredOperation = CommitWithOperations['operations'][number];

const DEFAULT_PAGE = 100;
const MAX_PAGE = 10_000;
const CACHE_LIMIT = 50_000;

/** Thrown inside a write transaction to roll back an attempt whose resolutions went stale. */
const STALE = Symbol('stale');

/** The root commit every store starts from; fixed fields so that every fresh store has the same root hash. */
const ROOT = {
  parents: [] as string[],
  tree: EMPTY_TREE,
  author: '',
  committer: '',
  message: '',
  authorTime: '1970-01-01T00:00:00.000Z',
  commitTime: '1970-01-01T00:00:00.000Z',
  properties: {},
};

/**
 * The versioned store on SQLite (better-sqlite3, WAL, synchronous=FULL). Every write is one IMMEDIATE transaction
 * that ends with a compare-and-swap of the ref head, so a crash at any point leaves the last acknowledged state, and
 * several processes sharing the file serialize their writes. Reads never replay history: each commit points at the
 * root of a content-addressed trie (see tree/hamt.ts).
 *
 * @example const store = await SqliteVersionStore.open('.rat/catalog.db'); await store.listReferences()
 */
export class SqliteVersionStore implements VersionStore {
  readonly defaultBranch = 'main';
  readonly noAncestorHash: string;
  /** The database handle, for companion repositories (e.g. code links) that keep their tables in the same file. */
  readonly db: Database;
  private readonly nodeCache = new Map<string, TreeNode<Content>>();
  private readonly commitCache = new Map<string, CommitRow>();
  private readonly stmt: Record<string, Statement>;
  private readonly nodes: NodeIO<Content>;

  private constructor(db: Database) {
    this.db = db;
    const p = (sql: string) => db.prepare(sql);
    this.stmt = {
      getCommit: p('SELECT * FROM commits WHERE hash = ?'),
      commitsByPrefix: p('SELECT hash FROM commits WHERE hash >= ? AND hash < ? LIMIT 2'),
      insertCommit: p(`INSERT OR IGNORE INTO commits (hash, parent, merge_parent, tree, generation, author, committer,
        message, author_time, commit_time, commit_ms, properties, operations)
        VALUES (@hash, @parent, @merge_parent, @tree, @generation, @author, @committer, @message, @author_time,
        @commit_time, @commit_ms, @properties, @operations)`),
      getRef: p('SELECT name, type, head FROM refs WHERE name = ?'),
      listRefs: p('SELECT name, type, head FROM refs ORDER BY name'),
      insertRef: p('INSERT INTO refs (name, type, head) VALUES (?, ?, ?)'),
      casRef: p('UPDATE refs SET head = ? WHERE name = ? AND head = ?'),
      deleteRef: p('DELETE FROM refs WHERE name = ? AND head = ?'),
      insertLog: p(`INSERT INTO ref_log (ref_name, ref_type, previous_hash, new_hash, operation, at)
        VALUES (?, ?, ?, ?, ?, ?)`),
      reflogAll: p('SELECT * FROM ref_log WHERE id < ? ORDER BY id DESC LIMIT ?'),
      reflogRef: p('SELECT * FROM ref_log WHERE ref_name = ? AND id < ? ORDER BY id DESC LIMIT ?'),
      getNode: p('SELECT body FROM tree_nodes WHERE id = ?'),
      putNode: p('INSERT OR IGNORE INTO tree_nodes (id, body) VALUES (?, ?)'),
    };
    this.noAncestorHash = this.bootstrap();
    this.nodes = {
      get: (id) => {
        let node = this.nodeCache.get(id);
        if (!node) {
          const row = this.stmt.getNode.get(id) as { body: string } | undefined;
          if (!row) throw new Error(`Corrupt store: tree node ${id} is missing`);
          node = parseNode<Content>(row.body);
          this.remember(this.nodeCache, id, node);
        }
        return node;
      },
      put: (id, node) => {
        this.stmt.putNode.run(id, serializeNode(node));
        this.remember(this.nodeCache, id, node);
      },
    };
  }

  /** Opens (and migrates) the store at `file`, or an in-memory one for `':memory:'`. Creates `main` on first start. */
  static async open(file: string): Promise<SqliteVersionStore> {
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    // FULL: an acknowledged commit survives power loss, not only a process crash.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 10000');
    await migrate(db);
    const store = new SqliteVersionStore(db);
    return store;
  }

  /** Writes the root commit and `main` on first start; returns the root hash. */
  private bootstrap(): string {
    return this.db
      .transaction(() => {
        const root = this.writeCommit({ ...ROOT, operations: [] });
        if (!this.stmt.getRef.get(this.defaultBranch)) {
          this.stmt.insertRef.run(this.defaultBranch, 'BRANCH', root);
          this.recordRefMove(this.defaultBranch, 'BRANCH', null, root, 'CREATE');
        }
        return root;
      })
      .immediate();
  }

  private remember<V>(cache: Map<string, V>, key: string, value: V): void {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, value);
  }

  // ---------------------------------------------------------------- references

  async listReferences(): Promise<Reference[]> {
    return (this.stmt.listRefs.all() as RefRow[]).map(toReference);
  }

  async getReference(name: string): Promise<Reference> {
    return toReference(this.refRow(name));
  }

  async resolve(refSpec: string): Promise<ResolvedRef> {
    const spec = parseRefSpec(refSpec);
    if (spec.kind === 'head') {
      const row = this.stmt.getRef.get(spec.name) as RefRow | undefined;
      if (row) return { name: row.name, type: row.type, hash: row.head, readOnly: row.type === 'TAG' };
      if (/^[0-9a-f]{8,64}$/.test(spec.name)) {
        return { name: null, type: null, hash: this.resolveHash(spec.name), readOnly: true };
      }
      throw new NoSuchReferenceError(spec.name);
    }
    if (spec.kind === 'hash') {
      const row = spec.name === null ? null : this.refRow(spec.name);
      const hash = this.resolveHash(spec.hash);
      return { name: row?.name ?? null, type: row?.type ?? null, hash, readOnly: true };
    }
    const row = this.refRow(spec.name);
    let c = this.commitRow(row.head);
    while (c.commit_ms > spec.at && c.parent) c = this.commitRow(c.parent);
    return { name: row.name, type: row.type, hash: c.hash, readOnly: true };
  }

  async createReference(name: string, type: ReferenceType, hash: string): Promise<Reference> {
    assertValidReferenceName(name);
    return this.db
      .transaction(() => {
        const target = this.resolveHash(hash);
        if (this.stmt.getRef.get(name)) throw new ReferenceAlreadyExistsError(name);
        this.stmt.insertRef.run(name, type, target);
        this.recordRefMove(name, type, null, target, 'CREATE');
        return { type, name, hash: target };
      })
      .immediate();
  }

  async deleteReference(name: string, type: ReferenceType | undefined, expectedHash: string): Promise<Reference> {
    return this.db
      .transaction(() => {
        const row = this.refOfType(name, type);
        if (name === this.defaultBranch) {
          throw new BadRequestError(`The default branch "${name}" cannot be deleted.`);
        }
        this.expectHead(row, expectedHash);
        if (this.stmt.deleteRef.run(name, row.head).changes !== 1) this.lostRace(name);
        this.recordRefMove(name, row.type, row.head, null, 'DELETE');
        return toReference(row);
      })
      .immediate();
  }

  async assignReference(
    name: string,
    type: ReferenceType | undefined,
    expectedHash: string,
    toHash: string,
  ): Promise<Reference> {
    return this.db
      .transaction(() => {
        const row = this.refOfType(name, type);
        this.expectHead(row, expectedHash);
        const target = this.resolveHash(toHash);
        this.moveHead(row, target, 'ASSIGN');
        return { type: row.type, name, hash: target };
      })
      .immediate();
  }

  // ---------------------------------------------------------------- commits

  async commit(branch: string, expectedHash: string, meta: CommitMeta, operations: Operation[]): Promise<CommitResult> {
    if (typeof meta?.message !== 'string') throw new BadRequestError('A commit needs a message.');
    const seen = new Set<string>();
    for (const op of operations) {
      assertKey(op.key);
      const id = keyId(op.key);
      if (seen.has(id)) throw new BadRequestError(`Key "${op.key.elements.join('.')}" appears twice in one commit.`);
      seen.add(id);
    }
    return this.db
      .transaction(() => {
        const row = this.branchRow(branch);
        const expected = this.resolveHash(expectedHash);
        const head = this.commitRow(row.head);
        this.checkConcurrentChanges(
          branch,
          expected,
          head,
          operations.map((o) => o.key),
        );
        const changes = new Map<string, TreeEntry<Content> | null>();
        const stored: StoredOperation[] = [];
        const addedContents: CommitResult['addedContents'] = [];
        for (const op of operations) {
          if (op.type === 'UNCHANGED') continue;
          const existing = treeGet(this.nodes, head.tree, op.key.elements);
          const name = op.key.elements.join('.');
          if (op.type === 'DELETE') {
            if (!existing) {
              throw conflict(
                `Cannot delete "${name}": it does not exist on "${branch}".`,
                op.key,
                'KEY_DOES_NOT_EXIST',
              );
            }
            changes.set(keyId(op.key), null);
            stored.push({ type: 'DELETE', key: op.key });
            continue;
          }
          if (existing && existing.type !== op.content.type) {
            throw conflict(`"${name}" already exists as ${existing.type} on "${branch}".`, op.key, 'KEY_EXISTS');
          }
          if (existing && op.content.id && op.content.id !== existing.id) {
            throw conflict(`"${name}" already exists on "${branch}" with another content id.`, op.key, 'KEY_EXISTS');
          }
          const id = existing?.id ?? op.content.id ?? randomUUID();
          if (!existing) addedContents.push({ key: op.key, contentId: id });
          const content = { ...op.content, id } as Content;
          changes.set(keyId(op.key), { id: keyId(op.key), elements: op.key.elements, value: content });
          stored.push({ type: 'PUT', key: op.key, content });
        }
        const tree = treeApply(this.nodes, head.tree, changes);
        const hash = this.newCommit([head.hash], tree, meta, stored);
        this.moveHead(row, hash, 'COMMIT');
        return { hash, addedContents };
      })
      .immediate();
  }

  async getCommit(hash: string): Promise<CommitWithOperations> {
    const row = this.commitRow(this.resolveHash(hash));
    return { ...toCommit(row), operations: JSON.parse(row.operations) as StoredOperation[] };
  }

  async getContent(hash: string, key: ContentKey): Promise<Content | undefined> {
    assertKey(key);
    return treeGet(this.nodes, this.commitRow(this.resolveHash(hash)).tree, key.elements);
  }

  async getContents(hash: string, keys: ContentKey[]): Promise<Map<string, Content>> {
    const tree = this.commitRow(this.resolveHash(hash)).tree;
    const out = new Map<string, Content>();
    for (const key of keys) {
      assertKey(key);
      const c = treeGet(this.nodes, tree, key.elements);
      if (c) out.set(keyId(key), c);
    }
    return out;
  }

  async listEntries(
    hash: string,
    opts: PageRequest & { prefix?: string[]; types?: ContentType[] } = {},
  ): Promise<Page<EntrySummary>> {
    const tree = this.commitRow(this.resolveHash(hash)).tree;
    const prefix = opts.prefix ?? [];
    const entries = treeEntries(this.nodes, tree)
      .filter((e) => startsWith(e.elements, prefix) && (!opts.types || opts.types.includes(e.value.type)))
      .map((e) => ({ key: { elements: e.elements }, type: e.value.type, contentId: e.value.id, sort: e.id }))
      .sort((a, b) => compare(a.sort, b.sort));
    return pageBy(
      entries,
      opts,
      (e) => e.sort,
      ({ key, type, contentId }) => ({ key, type, contentId }),
    );
  }

  async log(hash: string, opts: PageRequest = {}): Promise<Page<Commit>> {
    const limit = pageSize(opts.maxRecords);
    const start = opts.pageToken ? this.resolveHash(decodeToken(opts.pageToken)) : this.resolveHash(hash);
    const items: Commit[] = [];
    let row: CommitRow | undefined = this.commitRow(start);
    // The parentless root commit is the store's "beginning of time", not a user commit: the log stops before it.
    while (row?.parent && items.length < limit) {
      items.push(toCommit(row));
      row = this.commitRow(row.parent);
    }
    if (!row?.parent) row = undefined;
    return { items, token: row ? encodeToken(row.hash) : undefined };
  }

  async diff(
    fromHash: string,
    toHash: string,
    opts: PageRequest & { prefix?: string[] } = {},
  ): Promise<Page<DiffEntry>> {
    const from = this.commitRow(this.resolveHash(fromHash)).tree;
    const to = this.commitRow(this.resolveHash(toHash)).tree;
    const prefix = opts.prefix ?? [];
    const entries = treeDiff(this.nodes, from, to, jsonEquals)
      .filter((d) => startsWith(d.elements, prefix))
      .sort((a, b) => compare(a.id, b.id));
    return pageBy(
      entries,
      opts,
      (d) => d.id,
      (d) => ({ key: { elements: d.elements }, from: d.from ?? null, to: d.to ?? null }),
    );
  }

  async mergeBase(hashA: string, hashB: string): Promise<string | null> {
    return mergeBase(this.loadNode, this.resolveHash(hashA), this.resolveHash(hashB));
  }

  async merge(opts: MergeOptions): Promise<MergeResult> {
    const run = (resolutions?: ResolutionsOf) => this.attempt(() => this.mergeOnce(opts, resolutions?.(0)));
    if (!opts.resolver) return (run() as Exclude<AppliedMerge, 'stale'>).result;
    return mergeWithResolver(
      opts.resolver,
      mergeModes(opts),
      opts.dryRun ?? false,
      () => [this.mergeInputs(opts).keys],
      run,
    );
  }

  /** The target, source, merge base and the three-way keys (source changes since the base) of a merge. */
  private mergeInputs(opts: MergeOptions) {
    const row = this.branchRow(opts.toBranch);
    const target = this.commitRow(row.head);
    const source = this.commitRow(opts.fromHash ? this.resolveHash(opts.fromHash) : this.refRow(opts.fromRefName).head);
    if (isAncestor(this.loadNode, source.hash, target.hash)) {
      return { row, target, source, ancestor: source.hash, upToDate: true, keys: [] };
    }
    const ancestor = mergeBase(this.loadNode, source.hash, target.hash);
    const ancestorTree = ancestor ? this.commitRow(ancestor).tree : EMPTY_TREE;
    const keys: ThreeWay<Content>[] = treeDiff(this.nodes, ancestorTree, source.tree, jsonEquals).map((d) => ({
      key: { elements: d.elements },
      base: d.from,
      source: d.to,
      target: treeGet(this.nodes, target.tree, d.elements),
    }));
    return { row, target, source, ancestor, upToDate: false, keys };
  }

  /** One merge attempt inside the write transaction; `'stale'` when a resolution no longer matches the heads. */
  private mergeOnce(opts: MergeOptions, resolutions: StepResolutions | undefined): AppliedMerge {
    const { row, target, source, ancestor, upToDate, keys } = this.mergeInputs(opts);
    const expected = opts.expectedHash ? this.resolveHash(opts.expectedHash) : target.hash;
    const base = unappliedResult(row.name, target.hash, opts.expectedHash);
    if (upToDate) return { result: { ...base, commonAncestor: ancestor }, consumed: [] }; // already merged
    const modes = mergeModes(opts);
    const plan = planMerge(keys, modes.defaultBehavior, modes.perKey, jsonEquals, resolutions);
    if (plan.stale.length > 0) return 'stale';
    const details: MergeKeyDetail[] = plan.details;
    this.flagMovedKeys(
      expected,
      target,
      plan.changes.map((c) => c.key),
      details,
    );
    const result = { ...base, commonAncestor: ancestor, details };
    const done = (r: MergeResult): AppliedMerge => ({ result: r, consumed: plan.consumed });
    if (details.some((d) => d.conflict)) return done(this.refuse(result, opts.returnConflictAsResult, 'merge'));
    if (opts.dryRun) return done(result);
    const meta: CommitMeta = {
      message: opts.meta?.message ?? `Merge ${opts.fromRefName} into ${row.name}`,
      author: opts.meta?.author,
      authorTime: opts.meta?.authorTime,
      properties: opts.meta?.properties,
    };
    const hash = this.applyPlanned(target, [target.hash, source.hash], meta, plan.changes);
    this.moveHead(row, hash, 'MERGE');
    return done({ ...result, resultantTargetHash: hash, wasApplied: true, addedCommits: [hash] });
  }

  async transplant(opts: TransplantOptions): Promise<MergeResult> {
    if (opts.hashesToTransplant.length === 0)
      throw new BadRequestError('Nothing to transplant: hashesToTransplant is empty.');
    const run = (resolutions?: ResolutionsOf) => this.attempt(() => this.transplantOnce(opts, resolutions));
    if (!opts.resolver) return (run() as Exclude<AppliedMerge, 'stale'>).result;
    const steps = () => {
      const target = this.commitRow(this.branchRow(opts.toBranch).head);
      return opts.hashesToTransplant.map((h) => this.pickedKeys(this.commitRow(this.resolveHash(h)), target.tree));
    };
    return mergeWithResolver(opts.resolver, mergeModes(opts), opts.dryRun ?? false, steps, run);
  }

  /** One merge/transplant attempt in a write transaction; a `'stale'` attempt rolls back whatever it wrote. */
  private attempt(fn: () => AppliedMerge): AppliedMerge {
    try {
      return this.db
        .transaction((): AppliedMerge => {
          const r = fn();
          if (r === 'stale') throw STALE;
          return r;
        })
        .immediate();
    } catch (err) {
      if (err === STALE) return 'stale';
      throw err;
    }
  }

  /** The keys a picked commit changed, as three-way values against the target tree `on`. */
  private pickedKeys(picked: CommitRow, on: string): ThreeWay<Content>[] {
    const parentTree = picked.parent ? this.commitRow(picked.parent).tree : EMPTY_TREE;
    return treeDiff(this.nodes, parentTree, picked.tree, jsonEquals).map((d) => ({
      key: { elements: d.elements },
      base: d.from,
      source: d.to,
      target: treeGet(this.nodes, on, d.elements),
    }));
  }

  private transplantOnce(opts: TransplantOptions, resolutions: ResolutionsOf | undefined): AppliedMerge {
    const row = this.branchRow(opts.toBranch);
    const target = this.commitRow(row.head);
    const expected = opts.expectedHash ? this.resolveHash(opts.expectedHash) : target.hash;
    const modes = mergeModes(opts);
    const details: MergeKeyDetail[] = [];
    const addedCommits: string[] = [];
    const consumed: Array<ResolvedKey<Content>> = [];
    let current = target;
    const touched: ContentKey[] = [];
    for (const [i, h] of opts.hashesToTransplant.entries()) {
      const picked = this.commitRow(this.resolveHash(h));
      const keys = this.pickedKeys(picked, current.tree);
      const plan = planMerge(keys, modes.defaultBehavior, modes.perKey, jsonEquals, resolutions?.(i));
      if (plan.stale.length > 0) return 'stale';
      details.push(...plan.details);
      consumed.push(...plan.consumed);
      touched.push(...plan.changes.map((c) => c.key));
      if (plan.conflicts > 0 || opts.dryRun) continue;
      const meta: CommitMeta = {
        message: opts.meta?.message ?? picked.message,
        author: picked.author,
        authorTime: picked.author_time,
        properties: { ...JSON.parse(picked.properties), ...opts.meta?.properties },
      };
      const hash = this.applyPlanned(current, [current.hash], meta, plan.changes);
      addedCommits.push(hash);
      current = this.commitRow(hash);
    }
    this.flagMovedKeys(expected, target, touched, details);
    const result: MergeResult = { ...unappliedResult(row.name, target.hash, opts.expectedHash), details };
    if (details.some((d) => d.conflict)) {
      return { result: this.refuse(result, opts.returnConflictAsResult, 'transplant'), consumed };
    }
    if (opts.dryRun) return { result, consumed };
    this.moveHead(row, current.hash, 'TRANSPLANT');
    return { result: { ...result, resultantTargetHash: current.hash, wasApplied: true, addedCommits }, consumed };
  }

  async reflog(opts: PageRequest & { refName?: string } = {}): Promise<Page<ReflogEntry>> {
    const limit = pageSize(opts.maxRecords);
    const before = opts.pageToken ? Number(decodeToken(opts.pageToken)) : Number.MAX_SAFE_INTEGER;
    if (!Number.isFinite(before)) throw new BadRequestError('Invalid pageToken.');
    type LogRow = {
      id: number;
      ref_name: string;
      ref_type: ReferenceType;
      previous_hash: string | null;
      new_hash: string | null;
      operation: ReflogEntry['operation'];
      at: string;
    };
    const rows = (
      opts.refName
        ? this.stmt.reflogRef.all(opts.refName, before, limit + 1)
        : this.stmt.reflogAll.all(before, limit + 1)
    ) as LogRow[];
    const more = rows.length > limit;
    const items = rows.slice(0, limit).map((r) => ({
      refName: r.ref_name,
      refType: r.ref_type,
      previousHash: r.previous_hash,
      newHash: r.new_hash,
      operation: r.operation,
      at: r.at,
    }));
    return { items, token: more ? encodeToken(String(rows[limit - 1].id)) : undefined };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  // ---------------------------------------------------------------- internals

  private readonly loadNode = (hash: string): CommitNode => {
    const row = this.commitRow(hash);
    return {
      parents: row.merge_parent ? [row.parent!, row.merge_parent] : row.parent ? [row.parent] : [],
      generation: row.generation,
    };
  };

  private commitRow(hash: string): CommitRow {
    let row = this.commitCache.get(hash);
    if (!row) {
      row = this.stmt.getCommit.get(hash) as CommitRow | undefined;
      if (!row) throw new NoSuchReferenceError(hash);
      this.remember(this.commitCache, hash, row);
    }
    return row;
  }

  /** A full hash, or a unique prefix of at least 8 hex digits, to the full hash. */
  private resolveHash(hash: string): string {
    const h = hash.toLowerCase();
    if (!/^[0-9a-f]{8,64}$/.test(h)) throw new BadRequestError(`"${hash}" is not a commit hash (8 to 64 hex digits).`);
    if (h.length === 64) {
      this.commitRow(h);
      return h;
    }
    const rows = this.stmt.commitsByPrefix.all(h, `${h}g`) as Array<{ hash: string }>;
    if (rows.length === 0) throw new NoSuchReferenceError(hash);
    if (rows.length > 1) throw new BadRequestError(`Hash prefix "${hash}" is ambiguous; give more digits.`);
    return rows[0].hash;
  }

  private refRow(name: string): RefRow {
    const row = this.stmt.getRef.get(name) as RefRow | undefined;
    if (!row) throw new NoSuchReferenceError(name);
    return row;
  }

  private refOfType(name: string, type: ReferenceType | undefined): RefRow {
    const row = this.refRow(name);
    if (type && row.type !== type) {
      throw new BadRequestError(`"${name}" is a ${row.type.toLowerCase()}, not a ${type.toLowerCase()}.`);
    }
    return row;
  }

  private branchRow(name: string): RefRow {
    const row = this.refRow(name);
    if (row.type !== 'BRANCH') throw new ReadOnlyReferenceError(name);
    return row;
  }

  private expectHead(row: RefRow, expectedHash: string): void {
    const expected = this.resolveHash(expectedHash);
    if (expected !== row.head) {
      throw new ReferenceConflictError(
        `"${row.name}" is at ${row.head}, not at the expected ${expected}. Reload it and retry.`,
        { ref: row.name, expectedHash: expected, currentHash: row.head },
      );
    }
  }

  private lostRace(name: string): never {
    throw new ReferenceConflictError(`"${name}" moved concurrently. Reload it and retry.`, { ref: name });
  }

  /**
   * The Nessie rule for writers that based their change on an older head: fine as long as none of the keys they
   * touch changed between the hash they saw and the current head.
   */
  private checkConcurrentChanges(branch: string, expected: string, head: CommitRow, keys: ContentKey[]): void {
    if (expected === head.hash) return;
    if (!isAncestor(this.loadNode, expected, head.hash)) {
      throw new ReferenceConflictError(
        `Expected hash ${expected} is not in the history of "${branch}" (now at ${head.hash}). Reload and retry.`,
        { ref: branch, expectedHash: expected, currentHash: head.hash },
      );
    }
    const seen = this.commitRow(expected).tree;
    const conflicts = keys
      .filter((k) => !jsonEquals(treeGet(this.nodes, seen, k.elements), treeGet(this.nodes, head.tree, k.elements)))
      .map((k) => ({
        key: k,
        conflictType: 'VALUE_DIFFERS',
        message: `"${k.elements.join('.')}" changed on "${branch}" since ${expected}`,
      }));
    if (conflicts.length > 0) {
      throw new ReferenceConflictError(
        `Concurrent change: ${conflicts.map((c) => c.message).join('; ')}. Reload and retry.`,
        { ref: branch, expectedHash: expected, currentHash: head.hash, conflicts: conflictsForError(conflicts) },
      );
    }
  }

  /** For merges/transplants based on an older target head: keys they would write must not have moved since. */
  private flagMovedKeys(expected: string, target: CommitRow, keys: ContentKey[], details: MergeKeyDetail[]): void {
    if (expected === target.hash) return;
    if (!isAncestor(this.loadNode, expected, target.hash)) {
      throw new ReferenceConflictError(
        `Expected hash ${expected} is not in the history of the target (now at ${target.hash}).`,
        { expectedHash: expected, currentHash: target.hash },
      );
    }
    const seen = this.commitRow(expected).tree;
    for (const key of keys) {
      if (jsonEquals(treeGet(this.nodes, seen, key.elements), treeGet(this.nodes, target.tree, key.elements))) continue;
      const detail = details.find((d) => keyId(d.key) === keyId(key));
      const conflict = {
        conflictType: 'VALUE_DIFFERS' as const,
        key,
        message: `"${key.elements.join('.')}" changed on the target since ${expected}`,
      };
      if (detail) detail.conflict = conflict;
      else details.push({ key, mergeBehavior: 'NORMAL', conflict });
    }
  }

  private refuse(result: MergeResult, asResult: boolean | undefined, what: string): MergeResult {
    const failed = { ...result, wasSuccessful: false };
    if (asResult) return failed;
    const conflicts = result.details.filter((d) => d.conflict).map((d) => d.conflict!);
    throw new ReferenceConflictError(
      `The ${what} conflicts on ${conflicts.length} key(s): ${conflicts.map((c) => c.message).join('; ')}. ` +
        'Resolve on the source or retry with mergeBehavior FORCE (take source) or DROP (keep target).',
      { conflicts: conflictsForError(conflicts), mergeResult: failed },
    );
  }

  private applyPlanned(
    on: CommitRow,
    parents: string[],
    meta: CommitMeta,
    changes: Array<{ key: ContentKey; value: Content | undefined }>,
  ): string {
    const tree = treeApply(
      this.nodes,
      on.tree,
      new Map(
        changes.map((c) => [
          keyId(c.key),
          c.value ? { id: keyId(c.key), elements: c.key.elements, value: c.value } : null,
        ]),
      ),
    );
    const ops: StoredOperation[] = changes.map((c) =>
      c.value ? { type: 'PUT', key: c.key, content: c.value } : { type: 'DELETE', key: c.key },
    );
    return this.newCommit(parents, tree, meta, ops);
  }

  private newCommit(parents: string[], tree: string, meta: CommitMeta, operations: StoredOperation[]): string {
    const now = new Date().toISOString();
    return this.writeCommit({
      parents,
      tree,
      author: meta.author ?? 'rat',
      committer: meta.author ?? 'rat',
      message: meta.message,
      authorTime: meta.authorTime ?? now,
      commitTime: now,
      properties: meta.properties ?? {},
      operations,
    });
  }

  private writeCommit(c: {
    parents: string[];
    tree: string;
    author: string;
    committer: string;
    message: string;
    authorTime: string;
    commitTime: string;
    properties: Record<string, string>;
    operations: StoredOperation[];
  }): string {
    const hash = sha256Hex(
      canonicalJson({
        parents: c.parents,
        tree: c.tree,
        author: c.author,
        committer: c.committer,
        message: c.message,
        authorTime: c.authorTime,
        commitTime: c.commitTime,
        properties: c.properties,
      }),
    );
    const generation = c.parents.length ? Math.max(...c.parents.map((p) => this.commitRow(p).generation)) + 1 : 0;
    this.stmt.insertCommit.run({
      hash,
      parent: c.parents[0] ?? null,
      merge_parent: c.parents[1] ?? null,
      tree: c.tree,
      generation,
      author: c.author,
      committer: c.committer,
      message: c.message,
      author_time: c.authorTime,
      commit_time: c.commitTime,
      commit_ms: Date.parse(c.commitTime),
      properties: JSON.stringify(c.properties),
      operations: JSON.stringify(c.operations),
    });
    return hash;
  }

  private moveHead(row: RefRow, to: string, operation: ReflogEntry['operation']): void {
    if (this.stmt.casRef.run(to, row.name, row.head).changes !== 1) this.lostRace(row.name);
    this.recordRefMove(row.name, row.type, row.head, to, operation);
  }

  private recordRefMove(
    name: string,
    type: ReferenceType,
    previous: string | null,
    next: string | null,
    operation: ReflogEntry['operation'],
  ): void {
    this.stmt.insertLog.run(name, type, previous, next, operation, new Date().toISOString());
  }
}

/** A merge/transplant result before anything is applied: the target is where it was. */
function unappliedResult(targetBranch: string, targetHash: string, expectedHash: string | undefined): MergeResult {
  return {
    resultantTargetHash: targetHash,
    commonAncestor: null,
    targetBranch,
    effectiveTargetHash: targetHash,
    expectedHash,
    wasApplied: false,
    wasSuccessful: true,
    details: [],
    addedCommits: [],
  };
}

function toReference(row: RefRow): Reference {
  return { type: row.type, name: row.name, hash: row.head };
}

function toCommit(row: CommitRow): Commit {
  return {
    hash: row.hash,
    parentHashes: row.merge_parent ? [row.parent!, row.merge_parent] : row.parent ? [row.parent] : [],
    message: row.message,
    author: row.author,
    committer: row.committer,
    authorTime: row.author_time,
    commitTime: row.commit_time,
    properties: JSON.parse(row.properties) as Record<string, string>,
    generation: row.generation,
  };
}

function assertKey(key: ContentKey): void {
  if (
    !key ||
    !Array.isArray(key.elements) ||
    key.elements.length === 0 ||
    key.elements.some((e) => typeof e !== 'string' || e.length === 0 || e.includes('\u0000'))
  ) {
    throw new BadRequestError('A content key needs one or more non-empty elements.');
  }
}

function conflict(message: string, key: ContentKey, conflictType: string): ReferenceConflictError {
  return new ReferenceConflictError(message, {
    conflicts: [{ key: { elements: [...key.elements] }, conflictType, message }],
  });
}

function conflictsForError(
  conflicts: Array<{ key: ContentKey; conflictType: string; message: string }>,
): Array<{ key: ContentKey; conflictType: string; message: string }> {
  return conflicts.map((c) => ({
    key: { elements: [...c.key.elements] },
    conflictType: c.conflictType,
    message: c.message,
  }));
}

function mergeModes(opts: Pick<MergeOptions, 'defaultKeyMergeMode' | 'keyMergeModes'>): {
  defaultBehavior: MergeBehavior;
  perKey: Map<string, MergeBehavior>;
} {
  return {
    defaultBehavior: opts.defaultKeyMergeMode ?? 'NORMAL',
    perKey: new Map((opts.keyMergeModes ?? []).map((m) => [keyId(m.key), m.mergeBehavior])),
  };
}

function startsWith(elements: string[], prefix: string[]): boolean {
  return prefix.length <= elements.length && prefix.every((p, i) => elements[i] === p);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pageSize(maxRecords: number | undefined): number {
  if (maxRecords === undefined) return DEFAULT_PAGE;
  if (!Number.isInteger(maxRecords) || maxRecords < 1)
    throw new BadRequestError('maxRecords must be a positive integer.');
  return Math.min(maxRecords, MAX_PAGE);
}

function encodeToken(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  return Buffer.from(token, 'base64url').toString('utf8');
}

/** Pages a sorted list by the sort key of the last item returned. */
function pageBy<T, R>(items: T[], opts: PageRequest, sortKey: (t: T) => string, map: (t: T) => R): Page<R> {
  const limit = pageSize(opts.maxRecords ?? (items.length || 1));
  const after = opts.pageToken ? decodeToken(opts.pageToken) : undefined;
  const start = after === undefined ? 0 : items.findIndex((i) => sortKey(i) > after);
  const from = start < 0 ? items.length : start;
  const page = items.slice(from, from + limit);
  const more = from + limit < items.length;
  return { items: page.map(map), token: more ? encodeToken(sortKey(page[page.length - 1])) : undefined };
}
