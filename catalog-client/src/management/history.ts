import { query, type ManagementTransport } from './transport.ts';

/**
 * Ratatouille's history extension of the management API (`/api/v2/rat/compare`): how two commits' histories relate,
 * as `git rev-list --left-right --count a...b` counts them.
 */

/** Commits reachable from one side only, and the newest common ancestor. */
export interface Comparison {
  /** The commits `from` and `to` resolved to. */
  fromHash: string;
  toHash: string;
  /** Commits reachable from `from` but not from `to`. */
  ahead: number;
  /** Commits reachable from `to` but not from `from`. */
  behind: number;
  /** True when the walk stopped at its limit: the counts are lower bounds and `mergeBase` is null. */
  truncated: boolean;
  mergeBase: string | null;
}

/**
 * Compares two references (names, `name@hash` or `@hash`); the walk stops after `limit` commits (server default
 * 10,000).
 *
 * @example (await compare(transport, `main@${head}`, 'main@9bc2…')).ahead // commits a reset of main would drop
 */
export function compare(t: ManagementTransport, from: string, to: string, limit?: number): Promise<Comparison> {
  return t.request('GET', `/rat/compare${query({ from, to, limit: limit === undefined ? undefined : String(limit) })}`);
}
