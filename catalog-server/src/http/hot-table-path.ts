import type { IncomingMessage } from 'node:http';
import type { AppContext } from '../app-context.ts';
import type { Action } from '../auth/policy.ts';
import { grantAccess } from './auth/access.ts';
import { requirementOf } from './auth/requirement.ts';
import { namespaceOf } from './iceberg/params.ts';

/**
 * What the front ends ahead of express (hot-reads.ts, hot-commits.ts) share: the table path they take, read as the
 * Iceberg router reads it, and the authorization they can decide without it.
 */

/** The metrics label of a table's routes, the same as behind express (observe-requests.ts). */
export const TABLE_ROUTE = '/iceberg/namespaces/:namespace/tables/:table';
/**
 * `/iceberg[/<ref>]/v1/namespaces/<namespace>/tables/<table>`, as the Iceberg router's own table routes match it and
 * in their order: the ref form first, so a ref named `v1` (`/iceberg/v1/v1/namespaces/…`) is a ref.
 */
const TABLE_PATH = /^\/iceberg\/(?:([^/]+)\/)?v1\/namespaces\/([^/]+)\/tables\/([^/]+)$/;

/** The table a path names, as the Iceberg router's routes read it. */
export interface TablePath {
  ref: string;
  namespace: string[];
  table: string;
}

/**
 * The table a request path (without its query) names, or undefined when express should route it: another path or
 * shape (express also matches case-insensitively and with a trailing slash; those go to it), a parameter that does
 * not decode or an empty namespace level (express answers those 400).
 *
 * @example tablePathOf('/iceberg/dev/v1/namespaces/db/tables/t', 'main') // { ref: 'dev', namespace: ['db'], table: 't' }
 */
export function tablePathOf(path: string, defaultBranch: string): TablePath | undefined {
  const m = TABLE_PATH.exec(path);
  if (!m) return undefined;
  const ref = m[1] === undefined ? defaultBranch : decoded(m[1]);
  const namespace = decoded(m[2]!);
  const table = decoded(m[3]!);
  if (ref === undefined || namespace === undefined || table === undefined) return undefined;
  try {
    return { ref, namespace: namespaceOf(namespace), table };
  } catch {
    return undefined;
  }
}

/** A URL component decoded as express decodes route parameters (`+` stays `+`); undefined when malformed. */
export function decoded(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * With auth on: whether the caller's token verifies and the policy plainly lets it do what the request does, actions
 * of the `kinds` given only and none pinned to a commit (a read or write of `ref@hash` may walk history, which
 * express's middleware does). When it does, the caller is granted access on `req` as the middleware would (commits
 * name it as author); when not, express answers the request, with its 401 or 403. Without auth, always.
 */
export async function plainlyAllowed(
  ctx: AppContext,
  req: IncomingMessage,
  path: string,
  kinds: ReadonlyArray<Action['kind']>,
  opts: { wholeRef?: boolean } = {},
): Promise<boolean> {
  const auth = ctx.auth;
  if (!auth) return true;
  let principal;
  try {
    principal = await auth.authenticate(req.headers.authorization);
  } catch {
    return false;
  }
  const need = requirementOf({ method: req.method ?? '', path, query: {}, body: undefined }, ctx.store.defaultBranch);
  // `wholeRef`: decided as if the request named no namespace, so that only reference-wide rules let it through here.
  const actions =
    need.kind === 'actions' && opts.wholeRef ? need.actions.map((a) => ({ ...a, ns: undefined }) as Action) : undefined;
  const plain =
    need.kind === 'actions' &&
    need.actions.every((a) => kinds.includes(a.kind) && a.at === undefined) &&
    auth.policy.decide(principal, actions ?? need.actions).allow;
  if (plain) grantAccess(req, principal, auth.policy);
  return plain;
}
