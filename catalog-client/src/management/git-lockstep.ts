import { ManagementApiError } from './management-api-error.ts';
import { query, type ManagementTransport } from './transport.ts';

/** Ratatouille's git lockstep extension of the management API (`/api/v2/git/…`): code links and pending merges. */

/** A code commit's link to the data commit it saw (`/api/v2/git/links/{sha}`, Ratatouille's git lockstep). */
export interface CodeLink {
  sha: string;
  dataRef: string;
  dataHash: string;
  codeBranch?: string;
  recordedAt?: string;
}

/**
 * A forge merge the server could not finish alone (`/api/v2/git/pending-merges`): `rebuild` — everything else was
 * merged (`mergedHash`), the derived `tables` wait for a rebuild with the merged code; `conflict` — nothing was merged,
 * `blocking` tables need a decision.
 */
export interface PendingMerge {
  id: string;
  sourceRef: string;
  targetRef: string;
  sourceHash: string;
  sourceBranch: string;
  targetBranch: string;
  mergeSha?: string;
  forge: string;
  request?: number;
  state: 'rebuild' | 'conflict';
  tables: string[];
  blocking: string[];
  mergedHash?: string;
  recordedAt: string;
}

/**
 * The data commit code commit `sha` saw, or undefined when none is recorded.
 *
 * @example (await getCodeLink(transport, sha))?.dataHash
 */
export async function getCodeLink(t: ManagementTransport, sha: string): Promise<CodeLink | undefined> {
  try {
    return await t.request<CodeLink>('GET', `/git/links/${encodeURIComponent(sha)}`);
  } catch (e) {
    if (e instanceof ManagementApiError && e.isNotFound) return undefined;
    throw e;
  }
}

/**
 * Records that code commit `sha` saw data commit `dataHash` of `dataRef`.
 *
 * @example await putCodeLink(transport, sha, { dataRef: 'main', dataHash: main.hash })
 */
export function putCodeLink(
  t: ManagementTransport,
  sha: string,
  link: { dataRef: string; dataHash: string; codeBranch?: string },
): Promise<CodeLink> {
  return t.request('PUT', `/git/links/${encodeURIComponent(sha)}`, link);
}

/**
 * Forge merges into data branch `target` waiting for `rat sync`.
 *
 * @example (await listPendingMerges(transport, 'main')).filter((m) => m.state === 'rebuild')
 */
export async function listPendingMerges(t: ManagementTransport, target: string): Promise<PendingMerge[]> {
  const r = await t.request<{ pendingMerges: PendingMerge[] }>('GET', `/git/pending-merges${query({ target })}`);
  return r.pendingMerges;
}

/**
 * Forgets a pending forge merge once finished or settled (idempotent).
 *
 * @example await clearPendingMerge(transport, merge.id, 'main')
 */
export async function clearPendingMerge(t: ManagementTransport, id: string, target: string): Promise<void> {
  await t.request('DELETE', `/git/pending-merges/${encodeURIComponent(id)}${query({ target })}`);
}
