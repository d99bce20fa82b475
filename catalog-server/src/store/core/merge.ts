import { BadRequestError, ReferenceConflictError } from '../../errors/index.ts';
import { jsonEquals } from '../canonical-json.ts';
import { isAncestor, mergeBase } from '../merge/merge-base.ts';
import { planMerge, type PlannedChange, type ResolvedKey, type ThreeWay } from '../merge/merge-plan.ts';
import type { AppliedMerge, ResolutionsOf, StepResolutions } from '../merge/resolve-steps.ts';
import { EMPTY_TREE, treeApply, treeDiff, treeGet, type NodeIO } from '../tree/hamt.ts';
import type {
  CommitMeta,
  Content,
  ContentKey,
  MergeBehavior,
  MergeKeyDetail,
  MergeOptions,
  MergeResult,
  TransplantOptions,
} from '../types.ts';
import { keyId } from '../types.ts';
import { conflictsForError, movedKeys } from './commit-rules.ts';
import { Draft } from './draft.ts';
import type { ObjectReader } from './objects.ts';
import type { CommitRecord, RefUpdate, StoredOperation } from './persistence.ts';
import type { Refs } from './refs.ts';

/** One planned merge or transplant: its outcome, and what to write when it lands. */
export interface MergeAttempt {
  applied: AppliedMerge;
  write?: { draft: Draft; ref: RefUpdate };
}

/**
 * Merge and transplant orchestration, backend-neutral: reads the heads, assembles the three-way keys, plans with
 * merge/merge-plan.ts, applies the concurrent-change rule for an older expected target head, and drafts the new
 * commits. The caller (core/version-store.ts) writes the draft ending in the ref compare-and-swap, and plans again
 * if the target moved meanwhile.
 *
 * @example const attempt = await new MergeOrchestrator(objects, refs).merge(opts, undefined)
 */
export class MergeOrchestrator {
  constructor(
    private readonly objects: ObjectReader,
    private readonly refs: Refs,
  ) {}

  /** The three-way keys of each step as the resolver sees them (one step for a merge). */
  async mergeSteps(opts: MergeOptions): Promise<Array<ThreeWay<Content>[]>> {
    return [(await this.mergeInputs(opts)).keys];
  }

  async transplantSteps(opts: TransplantOptions): Promise<Array<ThreeWay<Content>[]>> {
    const target = await this.objects.commit((await this.refs.branch(opts.toBranch)).head);
    const steps: Array<ThreeWay<Content>[]> = [];
    for (const h of opts.hashesToTransplant) {
      const picked = await this.objects.commit(await this.objects.resolveHash(h));
      steps.push(await this.pickedKeys(opts, this.objects.nodes, picked, target.tree));
    }
    return steps;
  }

  /** One merge attempt against the current heads; `'stale'` when a resolution no longer matches them. */
  async merge(opts: MergeOptions, resolutions: StepResolutions | undefined): Promise<MergeAttempt> {
    const { ref, target, source, ancestor, upToDate, keys } = await this.mergeInputs(opts);
    const expected = opts.expectedHash ? await this.objects.resolveHash(opts.expectedHash) : target.hash;
    const base = unappliedResult(ref.name, target.hash, opts.expectedHash);
    if (upToDate) return { applied: { result: { ...base, commonAncestor: ancestor }, consumed: [] } };
    const modes = mergeModes(opts);
    const plan = planMerge(keys, modes.defaultBehavior, modes.perKey, jsonEquals, resolutions);
    if (plan.stale.length > 0) return { applied: 'stale' };
    const details: MergeKeyDetail[] = plan.details;
    const moved = await this.flagMovedKeys(
      ref.name,
      expected,
      target,
      plan.changes.map((c) => c.key),
      details,
    );
    const result = { ...base, commonAncestor: ancestor, details };
    const done = (r: MergeResult): MergeAttempt => ({ applied: { result: r, consumed: plan.consumed } });
    if (details.some((d) => d.conflict)) return done(refuse(result, opts.returnConflictAsResult, 'merge', moved));
    if (opts.dryRun) return done(result);
    const meta: CommitMeta = {
      message: opts.meta?.message ?? `Merge ${opts.fromRefName} into ${ref.name}`,
      author: opts.meta?.author,
      authorTime: opts.meta?.authorTime,
      properties: opts.meta?.properties,
    };
    const draft = new Draft(this.objects);
    const commit = await applyPlanned(draft, target, [target.hash, source.hash], meta, plan.changes);
    return {
      ...done({ ...result, resultantTargetHash: commit.hash, wasApplied: true, addedCommits: [commit.hash] }),
      write: {
        draft,
        ref: { kind: 'move', ...refFields(ref), from: target.hash, to: commit.hash, operation: 'MERGE' },
      },
    };
  }

  /** One transplant attempt: each picked commit re-applied in turn on the target, as one new commit each. */
  async transplant(opts: TransplantOptions, resolutions: ResolutionsOf | undefined): Promise<MergeAttempt> {
    if (opts.hashesToTransplant.length === 0) {
      throw new BadRequestError('Nothing to transplant: hashesToTransplant is empty.');
    }
    const ref = await this.refs.branch(opts.toBranch);
    const target = await this.objects.commit(ref.head);
    const expected = opts.expectedHash ? await this.objects.resolveHash(opts.expectedHash) : target.hash;
    const modes = mergeModes(opts);
    const draft = new Draft(this.objects);
    const details: MergeKeyDetail[] = [];
    const addedCommits: string[] = [];
    const consumed: Array<ResolvedKey<Content>> = [];
    const touched: ContentKey[] = [];
    let current = target;
    for (const [i, h] of opts.hashesToTransplant.entries()) {
      const picked = await this.objects.commit(await this.objects.resolveHash(h));
      const keys = await this.pickedKeys(opts, draft.nodes, picked, current.tree);
      const plan = planMerge(keys, modes.defaultBehavior, modes.perKey, jsonEquals, resolutions?.(i));
      if (plan.stale.length > 0) return { applied: 'stale' };
      details.push(...plan.details);
      consumed.push(...plan.consumed);
      touched.push(...plan.changes.map((c) => c.key));
      // A commit whose every change the target already holds adds nothing (Nessie, like git's cherry-pick, makes no
      // empty commit): it is left out, and a transplant that adds nothing is not applied.
      if (plan.conflicts > 0 || opts.dryRun || plan.changes.length === 0) continue;
      const meta: CommitMeta = {
        message: opts.meta?.message ?? picked.message,
        author: picked.author,
        authorTime: picked.authorTime,
        properties: { ...picked.properties, ...opts.meta?.properties },
      };
      current = await applyPlanned(draft, current, [current.hash], meta, plan.changes);
      addedCommits.push(current.hash);
    }
    const moved = await this.flagMovedKeys(ref.name, expected, target, touched, details);
    const result: MergeResult = { ...unappliedResult(ref.name, target.hash, opts.expectedHash), details };
    if (details.some((d) => d.conflict)) {
      return { applied: { result: refuse(result, opts.returnConflictAsResult, 'transplant', moved), consumed } };
    }
    if (opts.dryRun || addedCommits.length === 0) return { applied: { result, consumed } };
    return {
      applied: { result: { ...result, resultantTargetHash: current.hash, wasApplied: true, addedCommits }, consumed },
      write: {
        draft,
        ref: { kind: 'move', ...refFields(ref), from: target.hash, to: current.hash, operation: 'TRANSPLANT' },
      },
    };
  }

  /** The target, source, merge base and the three-way keys (source changes since the base) of a merge. */
  private async mergeInputs(opts: MergeOptions) {
    const ref = await this.refs.branch(opts.toBranch);
    const target = await this.objects.commit(ref.head);
    const sourceHash = opts.fromHash
      ? await this.objects.resolveHash(opts.fromHash)
      : (await this.refs.get(opts.fromRefName)).head;
    const source = await this.objects.commit(sourceHash);
    if (await isAncestor(this.objects.loadNode, source.hash, target.hash)) {
      return { ref, target, source, ancestor: source.hash, upToDate: true, keys: [] };
    }
    const ancestor = await mergeBase(this.objects.loadNode, source.hash, target.hash);
    const ancestorTree = ancestor ? (await this.objects.commit(ancestor)).tree : EMPTY_TREE;
    const keys = authorized(opts, await threeWay(this.objects.nodes, ancestorTree, source.tree, target.tree));
    return { ref, target, source, ancestor, upToDate: false, keys };
  }

  /**
   * The keys a picked commit changed (against its first parent), as three-way values against the tree `on`, once
   * `opts.authorizeKeys` accepts them.
   */
  private async pickedKeys(
    opts: TransplantOptions,
    nodes: NodeIO<Content>,
    picked: CommitRecord,
    on: string,
  ): Promise<ThreeWay<Content>[]> {
    const parentTree = picked.parents[0] ? (await this.objects.commit(picked.parents[0])).tree : EMPTY_TREE;
    return authorized(opts, await threeWay(nodes, parentTree, picked.tree, on));
  }

  /** For merges/transplants based on an older target head: keys they would write must not have moved since. */
  private async flagMovedKeys(
    branch: string,
    expected: string,
    target: CommitRecord,
    keys: ContentKey[],
    details: MergeKeyDetail[],
  ): Promise<Set<string>> {
    const flagged = new Set<string>();
    for (const moved of await movedKeys(this.objects, branch, expected, target, keys)) {
      const conflict = { conflictType: 'VALUE_DIFFERS' as const, key: moved.key, message: moved.message };
      const detail = details.find((d) => keyId(d.key) === keyId(moved.key));
      if (detail) detail.conflict = conflict;
      else details.push({ key: moved.key, mergeBehavior: 'NORMAL', conflict });
      flagged.add(keyId(moved.key));
    }
    return flagged;
  }
}

/**
 * The three-way keys of a merge step: every key that differs between `baseTree` and `sourceTree`, with its value on
 * the target. The one assembly both merge (base = merge base) and transplant (base = the picked commit's parent) use.
 */
export async function threeWay(
  nodes: NodeIO<Content>,
  baseTree: string,
  sourceTree: string,
  targetTree: string,
): Promise<ThreeWay<Content>[]> {
  const out: ThreeWay<Content>[] = [];
  for (const d of await treeDiff(nodes, baseTree, sourceTree, jsonEquals)) {
    out.push({
      key: { elements: d.elements },
      base: d.from,
      source: d.to,
      target: await treeGet(nodes, targetTree, d.elements),
    });
  }
  return out;
}

/**
 * `keys` once the caller's `authorizeKeys` (if any) accepts every key they change: it throws to refuse. Asked where
 * the keys are assembled, so the refusal comes before a resolver writes or a conflict is reported.
 */
function authorized(opts: MergeOptions | TransplantOptions, keys: ThreeWay<Content>[]): ThreeWay<Content>[] {
  opts.authorizeKeys?.(keys.map((k) => ({ key: k.key, type: (k.source ?? k.base)?.type })));
  return keys;
}

export function mergeModes(opts: Pick<MergeOptions, 'defaultKeyMergeMode' | 'keyMergeModes'>): {
  defaultBehavior: MergeBehavior;
  perKey: Map<string, MergeBehavior>;
} {
  return {
    defaultBehavior: opts.defaultKeyMergeMode ?? 'NORMAL',
    perKey: new Map((opts.keyMergeModes ?? []).map((m) => [keyId(m.key), m.mergeBehavior])),
  };
}

async function applyPlanned(
  draft: Draft,
  on: CommitRecord,
  parents: string[],
  meta: CommitMeta,
  changes: PlannedChange<Content>[],
): Promise<CommitRecord> {
  const entries = changes.map(
    (c) => [keyId(c.key), c.value ? { id: keyId(c.key), elements: c.key.elements, value: c.value } : null] as const,
  );
  const tree = await treeApply(draft.nodes, on.tree, new Map(entries));
  const ops: StoredOperation[] = changes.map((c) =>
    c.value ? { type: 'PUT', key: c.key, content: c.value } : { type: 'DELETE', key: c.key },
  );
  return draft.newCommit(parents, tree, meta, ops);
}

/**
 * The refusal of a merge/transplant with conflicts. Keys that only moved on the target since the caller's expected
 * hash are not a conflict between the two sides: the remedy is to retry against the current head (which the
 * content-aware merge may combine), not FORCE, which would drop what the target gained meanwhile.
 */
function refuse(result: MergeResult, asResult: boolean | undefined, what: string, moved: Set<string>): MergeResult {
  const failed = { ...result, wasSuccessful: false };
  if (asResult) return failed;
  const conflicts = result.details.filter((d) => d.conflict).map((d) => d.conflict!);
  const onlyMoved = conflicts.every((c) => moved.has(keyId(c.key)));
  const remedy = onlyMoved
    ? `Read "${result.targetBranch}"'s current head and retry with it as the expected hash.`
    : 'Resolve on the source or retry with mergeBehavior FORCE (take source) or DROP (keep target).';
  throw new ReferenceConflictError(
    `The ${what} conflicts on ${conflicts.length} key(s): ${conflicts.map((c) => c.message).join('; ')}. ${remedy}`,
    { conflicts: conflictsForError(conflicts), mergeResult: failed },
  );
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

function refFields(ref: { name: string; type: 'BRANCH' | 'TAG' }) {
  return { name: ref.name, type: ref.type };
}
