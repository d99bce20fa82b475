import type { Action } from '../../auth/policy.ts';
import { DETACHED, parseRefPath } from '../../service/management/ref-path.ts';
import { normalizeTreesPath } from '../management/router.ts';
import { signPrivilegeOf } from '../../service/signing/s3-scope.ts';
import { icebergNamespaces } from './iceberg-namespaces.ts';
import { choosesLocation, operationsChooseLocation } from './location-choice.ts';
import { commitScopes, contentsScope, tableScope } from './management-namespaces.ts';

/** What a request needs before its handler runs. */
export type Requirement =
  | { kind: 'public' }
  /** Any valid token (server config, the reference listing, which is filtered per reference). */
  | { kind: 'authenticated' }
  | {
      kind: 'actions';
      actions: Action[];
      /**
       * Merges and transplants: what the merge needs on the target and the source, asked again for each key it changes
       * (scoped to that key's namespace) by a caller whose rules name namespaces; `actions` then only asks for those
       * rights in some namespace (merge-keys.ts).
       */
      perKey?: Action[];
    };

export interface RequestFacts {
  method: string;
  /** The path as received (still URL-encoded), from the app root: `/iceberg/dev/v1/namespaces`. */
  path: string;
  query: Record<string, unknown>;
  body: unknown;
}

/**
 * Routes that need no token: health and metrics, the token endpoint (it checks client credentials itself), forge
 * webhooks (they carry their own signatures) and the web UI's static files (GET outside `/api` and `/iceberg`).
 */
export function isPublicRoute(method: string, path: string): boolean {
  // Express matches routes case-insensitively, so must this.
  const p = path.toLowerCase();
  // Health and Prometheus metrics (route patterns and counts, no names or data) serve probes and scrapers.
  if (['/healthz', '/healthz/', '/metrics', '/metrics/'].includes(p)) return true;
  // The API description holds no data; tools read it before they have a token.
  if (method === 'GET' && p === '/api/v2/openapi.json') return true;
  // The web UI's files (the app shell and its assets) hold no data; everything it shows comes from the APIs.
  if ((method === 'GET' || method === 'HEAD') && !/^\/(api|iceberg)(\/|$)/.test(p)) return true;
  if (p === '/webhooks' || p.startsWith('/webhooks/')) return true;
  return method === 'POST' && /^\/iceberg(\/[^/]+)?\/v1\/oauth\/tokens\/?$/.test(p);
}

/**
 * The actions a request performs on which references, read from its method, path and body alone (pure). Anything not
 * recognised under `/api/v2` needs `admin` on every reference, so a route added later is closed until listed here.
 *
 * @example requirementOf({ method: 'POST', path: '/iceberg/main/v1/namespaces', query: {}, body: {} }, 'main')
 *   // { kind: 'actions', actions: [{ kind: 'commit', ref: 'main' }] }
 */
export function requirementOf(r: RequestFacts, defaultBranch: string): Requirement {
  if (isPublicRoute(r.method, r.path)) return { kind: 'public' };
  // Express ignores case and one trailing slash when matching routes; structure is compared the same way below,
  // while reference names keep their case.
  const path = r.path.length > 1 ? r.path.replace(/\/$/, '') : r.path;
  const lower = path.toLowerCase();
  if (lower === '/iceberg' || lower.startsWith('/iceberg/')) {
    return icebergRequirement(r.method, path, defaultBranch, r.query, r.body);
  }
  if (lower.startsWith('/api/v2/')) return managementRequirement(r, path.slice('/api/v2'.length), defaultBranch);
  // Unknown paths answer 404 to an authenticated caller.
  return { kind: 'authenticated' };
}

const READS = new Set(['GET', 'HEAD']);

/**
 * `/iceberg/v1/...` is the default branch, `/iceberg/<ref>/v1/...` any ref (the router matches in that order). Each
 * action is scoped to the namespaces the request names (iceberg-namespaces.ts), or to the whole reference.
 */
function icebergRequirement(
  method: string,
  path: string,
  defaultBranch: string,
  query: Record<string, unknown>,
  body: unknown,
): Requirement {
  const segs = path.split('/').slice(2);
  let ref: string;
  let rest: string[];
  if (segs[1]?.toLowerCase() === 'v1') [ref, rest] = [decode(segs[0]!), segs.slice(2)];
  else if (segs[0]?.toLowerCase() === 'v1') [ref, rest] = [defaultBranch, segs.slice(1)];
  else return { kind: 'authenticated' };
  const scopes = icebergNamespaces(method, rest, query, body);
  const scoped = (a: Action): Action[] =>
    scopes === undefined || (a.kind !== 'read' && a.kind !== 'commit') ? [a] : scopes.map((ns) => ({ ...a, ns }));
  const of = (...actions: Action[]): Requirement => ({ kind: 'actions', actions: actions.flatMap(scoped) });
  if (method === 'POST' && isTableSubresource(rest, 'sign')) return of(...signActions(ref, body));
  // Cancelling a scan plan (DELETE …/plan/{plan-id}) is part of reading the table, as planning it is.
  const reads =
    READS.has(method) ||
    (method === 'POST' && (['metrics', 'plan', 'tasks'] as const).some((w) => isTableSubresource(rest, w))) ||
    (method === 'DELETE' && isPlanById(rest));
  if (reads) return of(readOf(ref));
  const write = of(writeOf(ref));
  // Choosing where files go needs `write` on the whole reference (location-choice.ts): unscoped, whatever the path.
  if (write.kind === 'actions' && choosesLocation(method, rest, body)) {
    write.actions.push({ ...(writeOf(ref) as Extract<Action, { kind: 'commit' }>), choosesLocation: true });
  }
  return write;
}

/**
 * Signing an S3 request (remote signing) is a load of the table, and for a write also a commit: reading an object
 * (GET, HEAD) needs `read` on the ref, writing one (every other method) `write` on it as well, with the ref not
 * protected (no one commits there directly, so nothing writes files for it). A body without a method string reads;
 * its handler refuses it (400).
 */
function signActions(ref: string, body: unknown): Action[] {
  const method = (body as { method?: unknown } | null | undefined)?.method;
  const writes = typeof method === 'string' && signPrivilegeOf(method) === 'write';
  return writes ? [readOf(ref), writeOf(ref)] : [readOf(ref)];
}

/** Whether a request path (from the app root) is under the Iceberg REST API. */
export function isIcebergPath(path: string): boolean {
  return /^\/iceberg(\/|$)/i.test(path);
}

/**
 * Whether the path after `v1/` is a table's `word` endpoint, `[<prefix>/]namespaces/<ns>/tables/<table>/<word>`, as
 * the router matches it (literal segments in any case): metrics reports (scan and commit reports carry no data change,
 * and the client reading the table sends them), scan plans and their tasks (reads), and S3 sign requests. Only that shape: a commit to a table named
 * `metrics` (`namespaces/db/tables/metrics`) is a commit.
 */
function isTableSubresource(rest: string[], word: 'metrics' | 'sign' | 'plan' | 'tasks'): boolean {
  const at = rest.length === 6 ? 1 : rest.length === 5 ? 0 : -1;
  if (at < 0) return false;
  const lit = (i: number, w: string) => rest[at + i]?.toLowerCase() === w;
  return lit(0, 'namespaces') && lit(2, 'tables') && lit(4, word);
}

/** `[prefix/]namespaces/{ns}/tables/{table}/plan/{plan-id}`. */
function isPlanById(rest: string[]): boolean {
  const at = rest.length - 6;
  if (at !== 0 && at !== 1) return false;
  const lit = (i: number, w: string) => rest[at + i]?.toLowerCase() === w;
  return lit(0, 'namespaces') && lit(2, 'tables') && lit(4, 'plan');
}

function managementRequirement(r: RequestFacts, rawPath: string, defaultBranch: string): Requirement {
  const path = normalizeTreesPath(rawPath);
  const lower = path.toLowerCase();
  const body = (r.body ?? {}) as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
  // A merge or transplant source named DETACHED is a bare commit (read like `@<hash>`).
  const bodyRef = (v: unknown) => {
    const s = str(v);
    return s === undefined || s === DETACHED ? null : authRef(s);
  };
  // A reference written to is a name even when it looks like a hash (see authRef).
  const bodyTarget = (v: unknown) => {
    const s = str(v);
    return s === undefined || s === DETACHED ? null : s;
  };
  const m = r.method;
  const read = (ref: string | null, at?: unknown): Action => pinned(ref, at);
  const closed: Requirement = { kind: 'actions', actions: [{ kind: 'manage', ref: null }] };
  const of = (...actions: Action[]): Requirement => ({ kind: 'actions', actions });

  if (lower === '/config' && m === 'GET') return { kind: 'authenticated' };
  if (lower === '/trees') {
    if (m === 'GET') return { kind: 'authenticated' };
    if (m === 'POST') {
      const name = str(r.query['name']);
      // Creating a reference (a tag's or a branch's target): manage the new name, read the source.
      return name ? of({ kind: 'manage', ref: name }, read(bodyRef(body['name']), body['hash'])) : closed;
    }
    return closed;
  }
  if (lower === '/rat/reflog' && m === 'GET') return of(read(bodyRef(r.query['ref'])));
  // The caller's own permissions: any valid token may ask.
  if (lower === '/rat/whoami' && m === 'GET') return { kind: 'authenticated' };
  // The web UI's read-only views: reading every reference (or `ref@hash`) they name.
  const specs = (...vs: unknown[]) =>
    vs.flatMap((v) => (Array.isArray(v) ? v : [v])).map((v) => (str(v) ? readOf(str(v)!) : read(null)));
  if (lower === '/rat/graph' && m === 'GET') return of(...specs(r.query['ref']));
  if (lower === '/rat/compare' && m === 'GET') return of(...specs(r.query['from'], r.query['to']));
  // One table's rows: a read of its namespace on each reference named.
  const ofTable = (...actions: Action[]) => of(...actions.map((a) => tableScope(a, r.query['key'])));
  if (lower === '/rat/preview' && m === 'GET') return ofTable(...specs(r.query['ref']));
  if (lower === '/rat/row-diff' && m === 'GET') return ofTable(...specs(r.query['from'], r.query['to']));
  // Every table's provenance: a listing the service keeps to the namespaces the caller may read.
  if (lower === '/rat/lineage' && m === 'GET') {
    return of(...specs(r.query['ref']).map((a) => (a.kind === 'read' ? { ...a, ns: { under: [] } } : a)));
  }
  if (lower === '/git/links' || lower.startsWith('/git/links/')) {
    // Reads name no reference up front: the service leaves out the links whose data commit the caller may not read.
    if (READS.has(m)) return { kind: 'authenticated' };
    // A code→data link is written by the hook that committed or merged on that data ref; reading it too, as the
    // link's commit is checked against its history, and that answer must not tell an unreading writer anything.
    if (m === 'PUT') {
      const dataRef = bodyTarget(body['dataRef']);
      return of({ kind: 'merge', ref: dataRef }, { kind: 'read', ref: dataRef });
    }
    return closed;
  }
  if (lower === '/git/pending-merges' && m === 'GET') return of(read(bodyRef(r.query['target'])));
  // Clearing a pending forge merge is part of finishing it: the right to merge into its target.
  if (lower.startsWith('/git/pending-merges/') && m === 'DELETE') {
    return of({ kind: 'merge', ref: bodyTarget(r.query['target']) });
  }
  if (!lower.startsWith('/trees/')) return closed;

  const segs = path.split('/').slice(2);
  // Only writes use it: the branch or tag written to, and the head the write expects.
  const { ref, at } = treeRef(segs[0]!, defaultBranch);
  const write = (kind: 'commit' | 'merge' | 'manage'): Action => (at === null ? { kind, ref } : { kind, ref, at });
  const readTree = (segment: string) => {
    const p = treePath(segment, defaultBranch);
    return read(p.name, p.hash);
  };
  const tail = segs.slice(1).join('/').toLowerCase();
  // Reads whose handlers keep to the namespaces the caller may read (entries, diff and contents filter or check each
  // key; a reference's own head names none): any namespace on the ref will do here.
  const filtered = (a: Action): Action => ({ ...a, ns: { under: [] } }) as Action;
  if (READS.has(m)) {
    if (tail.startsWith('diff/') && segs.length === 3) {
      return of(filtered(readTree(segs[0]!)), filtered(readTree(segs[2]!)));
    }
    if (['', 'entries', 'contents'].includes(tail)) return of(filtered(readTree(segs[0]!)));
    if (/^contents\/[^/]+$/.test(tail)) return of(contentsScope(readTree(segs[0]!), segs[2]!));
    // History (its operations name every key) and recent changes: reference-wide.
    if (['history', 'recent-changes'].includes(tail)) return of(readTree(segs[0]!));
    return closed;
  }
  if (m === 'POST' && tail === 'contents') return of(filtered(readTree(segs[0]!)));
  if (m === 'POST' && tail === 'history/commit') {
    const scopes = commitScopes(body['operations']);
    const actions = scopes ? scopes.map((ns) => ({ ...write('commit'), ns }) as Action) : [write('commit')];
    // Table, view and function content names a metadata file: reference-wide writers only (location-choice.ts).
    if (scopes && operationsChooseLocation(body['operations']))
      actions.push({ ...write('commit'), choosesLocation: true } as Action);
    return of(...actions);
  }
  // A merge changes the keys the source changed: any namespace on both references will do here, and a caller whose
  // rules name namespaces has each key checked once the merge knows them (`perKey`).
  const byKey = (...actions: Action[]): Requirement => ({
    kind: 'actions',
    actions: actions.map(filtered),
    perKey: actions,
  });
  if (m === 'POST' && tail === 'history/merge') {
    return byKey(write('merge'), read(bodyRef(body['fromRefName']), body['fromHash']));
  }
  if (m === 'POST' && tail === 'history/transplant') {
    // Every transplanted commit is read from the source, so each must be on its history.
    const hashes = Array.isArray(body['hashesToTransplant']) ? body['hashesToTransplant'] : [];
    const source = bodyRef(body['fromRefName']);
    const reads = hashes.map((h) => read(source, h)).filter((a) => a.kind === 'read' && a.at !== undefined);
    return byKey(write('merge'), read(source), ...reads);
  }
  if (m === 'POST' && tail === 'history/revert') {
    // A revert commits the keys the reverted commit changed, back to what the branch held before it: the right to
    // commit to the branch and to read it at that commit, checked per key for a caller whose rules name namespaces.
    return byKey(write('commit'), read(ref === null ? null : authRef(ref), body['hash']));
  }
  if (m === 'PUT' && tail === '') return of(write('manage'), read(bodyRef(body['name']), body['hash']));
  if (m === 'DELETE' && tail === '') return of(write('manage'));
  return closed;
}

/**
 * The reference a `{ref}` path element of a write names (`-` is the default branch), by name even when it looks like
 * a hash: a write lands on a reference of that name or nowhere (a detached commit cannot be written to). `at` is the
 * commit the write expects as that reference's head (`name@hash`, lower case), the start of any relative lookups
 * (`name@hash~1`): they go back along its parents, so from a commit on the history they stay on it, and from one off
 * it (a hidden branch's commit, whose parent may be the fork point) the write is refused before they are followed.
 */
function treeRef(segment: string, defaultBranch: string): { ref: string | null; at: string | null } {
  const p = parseRefPath(decode(segment), defaultBranch);
  return { ref: p.name, at: p.name === null ? null : p.hash };
}

/** A `{ref}` path element's reference (null: detached) and the commit it pins (`name@hash`), if any. */
function treePath(segment: string, defaultBranch: string): { name: string | null; hash: string | null } {
  const p = parseRefPath(decode(segment), defaultBranch);
  return { name: policyRefOf(p), hash: p.hash };
}

/**
 * The reference the policy decides a management API read of `{ref}` on (null: any reference), as the authorization
 * step read it: handlers that filter by namespace ask about the same one.
 */
export function policyRefOf(p: { name: string | null }): string | null {
  return p.name === null ? null : authRef(p.name);
}

/** Reading an Iceberg ref spec: `name@hash` reads `name` at a commit that must be on its history. */
function readOf(spec: string): Action {
  const at = spec.lastIndexOf('@');
  return pinned(icebergRefName(spec), at > spec.lastIndexOf('*') ? spec.slice(at + 1) : undefined);
}

/**
 * Writing through an Iceberg ref spec: to the reference it names, as given. A spec pinned to a commit (`name@hash`)
 * is read-only whatever the commit; `at` carries the hash as written, so a refusal the middleware gives in the
 * handler's place names the spec as the handler would.
 */
function writeOf(spec: string): Action {
  const ref = icebergRefName(spec, 'write');
  const at = spec.lastIndexOf('@');
  const hash = spec.slice(at + 1);
  if (ref === null || at < 0 || at < spec.lastIndexOf('*') || !/^[0-9a-fA-F]{8,64}$/.test(hash)) {
    return { kind: 'commit', ref };
  }
  return { kind: 'commit', ref, at: hash };
}

/**
 * A read of `ref`, pinned to commit `at` when `at` starts with a hash and the read names a reference (not detached).
 * A hash with relative lookups (`<hash>~1`, as bodies may carry) is pinned to the hash it starts from: the lookups
 * walk back from there, so the start must be on the reference's history like any pinned read.
 */
function pinned(ref: string | null, at: unknown): Action {
  const start = typeof at === 'string' ? /^[0-9a-fA-F]{8,64}(?![0-9a-fA-F])/.exec(at)?.[0] : undefined;
  if (ref === null || start === undefined) return { kind: 'read', ref };
  return { kind: 'read', ref, at: start.toLowerCase() };
}

/**
 * The branch or tag an Iceberg ref spec (`name`, `name@hash`, `name*time`, `@hash`) names; null when detached. For a
 * read, a name that may be a hash is "any reference" (authRef); a write targets the name as given.
 */
export function icebergRefName(spec: string, use: 'read' | 'write' = 'read'): string | null {
  const at = spec.lastIndexOf('@');
  const star = spec.lastIndexOf('*');
  const cut = Math.max(at, star);
  const name = cut >= 0 ? spec.slice(0, cut) : spec;
  // `DETACHED@<hash>` is a bare commit, as `@<hash>` (store/ref-spec.ts).
  if (name.length === 0 || (cut === at && name === DETACHED)) return null;
  return use === 'read' ? authRef(name) : name;
}

/**
 * For reads: a name of 8 to 64 hex digits may be a commit hash (the store resolves it as a detached commit when no
 * such reference exists), so reading it needs the right to read any reference. Writes name the reference as given
 * (a branch `20261205` is written as itself, protected and permitted by its own rules).
 */
function authRef(name: string): string | null {
  return /^[0-9a-fA-F]{8,64}$/.test(name) ? null : name;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
