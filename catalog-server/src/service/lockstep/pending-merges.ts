import type { AppContext } from '../../app-context.ts';
import type { PendingMergeRecord } from '../../store/sqlite/pending-merge-store.ts';

type Deps = Pick<AppContext, 'pendingMerges'>;

/**
 * Forge merges waiting for `rat sync` on data branch `target` (all of them without it), oldest first. A server
 * without the lockstep tables has none.
 *
 * @example listPendingMerges(ctx, 'main') // [{ id, state: 'rebuild', tables: ['gold.daily_revenue'], … }]
 */
export function listPendingMerges(ctx: Deps, target?: string): PendingMergeRecord[] {
  return ctx.pendingMerges?.list(target) ?? [];
}

/**
 * Forgets a pending merge into data branch `target` that `rat sync` finished or settled. Idempotent: two syncs
 * racing both succeed.
 *
 * @example clearPendingMerge(ctx, '3f9c…', 'main') // true the first time, false after
 */
export function clearPendingMerge(ctx: Deps, id: string, target: string): boolean {
  return ctx.pendingMerges?.delete(id, target) ?? false;
}
