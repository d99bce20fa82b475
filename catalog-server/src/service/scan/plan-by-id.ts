import type { AppContext } from '../../app-context.ts';
import { NoSuchPlanIdError } from '../../errors/index.ts';
import { displayName } from '../iceberg/keys.ts';
import { loadTable } from '../iceberg/table-reads.ts';

type Deps = Pick<AppContext, 'store' | 'locations' | 'warehouse' | 'warehouses'>;

/**
 * Fetching or cancelling a scan plan by id (`GET` / `DELETE …/tables/{table}/plan/{plan-id}`). Every plan this
 * catalog makes is `completed` in its answer, with no id, so there is never one to fetch or cancel: the table is
 * looked up (a missing table or namespace answers as such), then 404 NoSuchPlanIdException. The two endpoints are
 * served for that answer and not advertised in the config (a client calls them only with an id a plan gave it).
 *
 * @example await planById(ctx, 'main', ['shop'], 'orders', 'p-1') // throws NoSuchPlanIdError
 */
export async function planById(ctx: Deps, ref: string, ns: string[], name: string, planId: string): Promise<never> {
  await loadTable(ctx, ref, ns, name, { copy: false });
  throw new NoSuchPlanIdError(displayName(ns, name), planId);
}
