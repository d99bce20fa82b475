import type { AppContext } from '../../app-context.ts';
import type { PendingMergeRecord } from '../../store/companions.ts';

type Deps = Pick<AppContext, 'pendingMerges'>;

/**
 * Forge merges waiting for `rat sync` on data branch `target` (all of them without it), oldest first. A server
 * without the lockstep tables has none.
 *
 * @example await listPendingMerges(ctx, 'main') // [{ id, state: 'rebuild', tables: ['gold.daily_revenue'], … }]
 */
export async function listPendingMerges(ctx: Deps, target?: string): Promise<PendingMergeRecord[]> {
  return (await ctx.pendingMerges?.list(target)) ?? [];
}

/**
 * Forgets a pending merge into data branch `target` that `rat sync` finished or settled. Idempotent: two syncs
 * racing both succeed.
 *
 * @example await clearPendingMerge(ctx, '3f9c…', 'main') // true the first time, false after
 */
export async function clearPendingMerge(ctx: Deps, id: string, target: string): Promise<boolean> {
  return (await ctx.pendingMerges?.delete(id, target)) ?? false;
}
