import { ReferenceConflictError } from '../../errors/index.ts';
import { jsonEquals } from '../canonical-json.ts';
import { keyId } from '../types.ts';
import type { Content, JournaledFile, KeyResolution, MergeBehavior, MergeResolver, MergeResult } from '../types.ts';
import { needsResolution, planMerge, type ResolvedKey, type ThreeWay } from './merge-plan.ts';

/** Resolutions for one merge step (a merge is one step, a transplant one per picked commit), keyed by `keyId`. */
export type StepResolutions = Map<string, ResolvedKey<Content>>;

/** What a store's write transaction reports back: its result and the resolutions its commits now reference. */
export type AppliedMerge = { result: MergeResult; consumed: Array<ResolvedKey<Content>> } | 'stale';

/** The files the resolutions a merge consumes wrote without their fsync: the merge's transaction journals them. */
export function journaledFilesOf(consumed: Array<ResolvedKey<Content>>): JournaledFile[] {
  // The resolutions are the resolver's own answers (KeyResolution), which the pure planner passes through as they are.
  return consumed.flatMap(({ resolution }) => {
    const r = resolution as KeyResolution;
    return r.kind === 'resolved' ? (r.files ?? []) : [];
  });
}

/** How often a merge recomputes its resolutions when the target keeps moving under it. */
const MAX_ATTEMPTS = 4;
/** Resolvers read and write object storage; a few keys at a time keeps a wide merge from flooding it. */
const PARALLEL = 8;

interface Modes {
  defaultBehavior: MergeBehavior;
  perKey: Map<string, MergeBehavior>;
}

/** The resolutions of step `i`; a step without any gets an empty map (so keys needing one are reported stale). */
export type ResolutionsOf = (step: number) => StepResolutions;

/**
 * Runs a merge or transplant that has a resolver, backend-neutral. First `apply` plans and commits (one write
 * transaction ending in the ref compare-and-swap) with no resolutions: a merge whose keys were not changed on both sides lands right away, in one pass.
 * Otherwise (`'stale'`): (1) `readSteps` computes the three-way keys of each step from the current heads; (2) the
 * resolver answers, outside any write transaction, for every key changed on both sides; (3) `apply` re-plans with
 * those answers and commits. When `apply` finds an answer computed from values that no longer hold, the round starts
 * over. Whatever the resolver wrote and no landed commit references is discarded, also when `apply` throws; what the
 * landed commits reference is reported to `resolver.landed`.
 *
 * @example await mergeWithResolver(resolver, modes, false, async () => [keys], (res) => attempt(res(0)))
 */
export async function mergeWithResolver(
  resolver: MergeResolver,
  modes: Modes,
  dryRun: boolean,
  readSteps: () => Promise<Array<ThreeWay<Content>[]>>,
  apply: (resolutions: ResolutionsOf) => Promise<AppliedMerge>,
): Promise<MergeResult> {
  const first = await apply(() => new Map());
  if (first !== 'stale') return first.result;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const resolutions = await resolveSteps(resolver, modes, await readSteps(), !dryRun);
    let applied: AppliedMerge;
    try {
      applied = await apply((i) => resolutions[i] ?? new Map());
    } catch (err) {
      await discard(resolver, resolutions, []);
      throw err;
    }
    if (applied === 'stale') {
      await discard(resolver, resolutions, []);
      continue;
    }
    const landed = applied.result.wasApplied ? applied.consumed : [];
    await discard(resolver, resolutions, landed);
    for (const r of landed) resolver.landed?.(r.resolution);
    return applied.result;
  }
  throw new ReferenceConflictError('The target kept changing while the merge resolved its keys. Retry the merge.', {});
}

/**
 * Asks the resolver about every key that each step changed on both sides. Steps build on each other: the target of
 * step n is the target after the planned changes of steps 1..n-1 (including resolved values).
 */
export async function resolveSteps(
  resolver: MergeResolver,
  modes: Modes,
  steps: Array<ThreeWay<Content>[]>,
  write: boolean,
): Promise<StepResolutions[]> {
  const overlay = new Map<string, Content | undefined>();
  const out: StepResolutions[] = [];
  for (const step of steps) {
    const keys = step.map((k) => (overlay.has(keyId(k.key)) ? { ...k, target: overlay.get(keyId(k.key)) } : k));
    const todo = keys.filter((k) =>
      needsResolution(k, modes.perKey.get(keyId(k.key)) ?? modes.defaultBehavior, jsonEquals),
    );
    const resolved: StepResolutions = new Map();
    for (let i = 0; i < todo.length; i += PARALLEL) {
      const batch = todo.slice(i, i + PARALLEL);
      const answers = await Promise.allSettled(batch.map((k) => resolver.resolve(k, { write })));
      const failed = answers.find((a) => a.status === 'rejected');
      answers.forEach((a, j) => {
        if (a.status === 'fulfilled') resolved.set(keyId(batch[j].key), { ...batch[j], resolution: a.value });
      });
      if (failed) {
        await discard(resolver, [...out, resolved], []);
        throw (failed as PromiseRejectedResult).reason;
      }
    }
    out.push(resolved);
    const plan = planMerge(keys, modes.defaultBehavior, modes.perKey, jsonEquals, resolved);
    for (const c of plan.changes) overlay.set(keyId(c.key), c.value);
  }
  return out;
}

async function discard(
  resolver: MergeResolver,
  all: StepResolutions[],
  keep: Array<ResolvedKey<Content>>,
): Promise<void> {
  if (!resolver.discard) return;
  const kept = new Set(keep);
  for (const step of all) {
    for (const r of step.values()) if (!kept.has(r)) await resolver.discard(r.resolution);
  }
}
